"""What arrived at the front door about a list of children since a moment (the front
door's selector behind "My work"): new contacts, partner agencies' answers, drafts left
out, each child named by a contact listed, newest first, in three queries however many
children and contacts."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from hearth.frontdoor.models import Contact, ContactPerson, ContactStatus, InformationRequest
from hearth.frontdoor.selectors import EXCERPT, news_for_children

pytestmark = pytest.mark.django_db

SINCE = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)


def _contact(
    fd, children, at, concern="Bruise on the cheek", status=ContactStatus.AWAITING_DECISION
):
    contact = Contact.objects.create(
        status=status, concern=concern, received_at=at, submitted_at=at, created_by=fd.worker
    )
    for child in children:
        ContactPerson.objects.create(
            contact=contact, person=child, role="child", added_by=fd.worker
        )
    return contact


def _answer(fd, contact, at, response):
    return InformationRequest.objects.create(
        contact=contact, organisation=fd.police, question="Anything known?", due_at=at,
        sent_by=fd.manager, status="answered", response=response, responded_at=at,
        form_token=uuid.uuid4(),
    )  # fmt: skip


def test_new_contacts_and_answers_about_the_children_newest_first(fd, f):
    brother = f.person(given_name="Kofi", family_name="Okafor")
    stranger = f.person(given_name="Not", family_name="Ours")
    old = _contact(fd, [fd.child], SINCE - dt.timedelta(days=30), "An old concern")
    _contact(fd, [fd.child, brother], SINCE + dt.timedelta(days=1), "Both   children\nat risk")
    _contact(fd, [fd.child], SINCE + dt.timedelta(days=2), "Still typing", ContactStatus.DRAFT)
    _contact(fd, [stranger], SINCE + dt.timedelta(days=3), "Someone else's child")
    _answer(fd, old, SINCE + dt.timedelta(days=4), "Two call-outs to the address.")
    _answer(fd, old, SINCE - dt.timedelta(days=1), "Seen already")
    news = news_for_children([fd.child, brother], SINCE)
    assert [(n.person_name, n.what, n.excerpt) for n in news] == [
        ("Amelia Okafor", "Answer from Lambshire Police", "Two call-outs to the address."),
        ("Amelia Okafor", "New contact to the front door", "Both children at risk"),
        ("Kofi Okafor", "New contact to the front door", "Both children at risk"),
    ]
    assert news[0].at == SINCE + dt.timedelta(days=4)
    assert news_for_children([], SINCE) == []
    assert news_for_children([stranger], SINCE + dt.timedelta(days=5)) == []


def test_a_long_concern_is_cut_and_the_list_kept_short(fd):
    long = "word " * 100
    for day in range(5):
        _contact(fd, [fd.child], SINCE + dt.timedelta(days=day), long)
    news = news_for_children([fd.child], SINCE, size=3)
    assert len(news) == 3
    assert len(news[0].excerpt) == EXCERPT and news[0].excerpt.endswith("…")


def test_three_queries_however_many_children_and_contacts(fd, f, django_assert_num_queries):
    def children_with_news(n):
        children = [f.person(given_name=f"Kid{i}", family_name="Caseload") for i in range(n)]
        for child in children:
            contact = _contact(fd, [child], SINCE + dt.timedelta(hours=1))
            _answer(fd, contact, SINCE + dt.timedelta(hours=2), "Known to us.")
        return children

    few, many = children_with_news(2), children_with_news(25)
    with django_assert_num_queries(3):
        assert len(news_for_children(few, SINCE)) == 4
    with django_assert_num_queries(3):
        assert len(news_for_children(many, SINCE)) == 50
