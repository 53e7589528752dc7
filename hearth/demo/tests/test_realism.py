"""The synthetic authority reads like a real one: people's details hold together, and
the rates and shares the casework and children in care issues ask for come out."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from hearth.demo import data
from hearth.demo.generator import Context, _Family, generate, step_families, step_staff
from hearth.people.models import Person, PersonKind, Relationship

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


def test_a_child_who_turns_five_today_is_of_school_age():
    made: list[int] = []

    def step_birthday(ctx: Context) -> None:
        fam = _Family(ctx, len(ctx.families))
        for born in (dt.date(2021, 6, 1), dt.date(2021, 6, 2)):  # 5 today; 5 tomorrow
            person = fam.person(
                kind=PersonKind.CHILD,
                sex="F",
                born=born.toordinal(),
                given="Ada",
                family="Testcase",
                heritage=data.HERITAGES[0],
                ethnicity="WBRI",
                language="ENG",
            )
            made.append(person.pk)

    generate(children=20, seed=5, today=TODAY, steps=[step_staff, step_families, step_birthday])
    five, four = (Person.objects.get(pk=pk) for pk in made)
    # Five years old by whole birthdays (2021-06-01 to 2026-06-01 is 1,826 days, under
    # five "average" years): a UPN or a reason other than "not of school age".
    assert five.upn or five.upn_unknown in {"UN2", "UN3", "UN4"}
    assert five.upn_unknown != data.UPN_NOT_OF_SCHOOL_AGE
    assert four.upn_unknown == data.UPN_NOT_OF_SCHOOL_AGE and not four.upn


def test_an_aunt_never_shares_her_sisters_given_name():
    def step_few_names(ctx: Context) -> None:
        # Two women's names only, so sisters would clash half the time if drawn blindly.
        few = dataclasses.replace(data.HERITAGES[0], female=("Amy", "Beth"))
        ctx.heritages = [(few, 1.0)]

    generate(children=400, seed=8, today=TODAY, steps=[step_few_names, step_staff, step_families])
    sisters = Relationship.objects.filter(
        kind="sibling", person__kind=PersonKind.ADULT, person__sex="F", relative__sex="F"
    ).values_list("person__given_name", "relative__given_name")
    assert len(sisters) > 4
    for mine, theirs in sisters:
        assert mine != theirs
