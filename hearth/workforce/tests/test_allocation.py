"""The allocations meeting: ranking with its reasons, the ASYE protections, and the bad
input the issue names (over capacity, no access, two managers at once)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hearth.casework.models import Section47Enquiry, StrategyDiscussion
from hearth.people.models import Involvement, Relationship, RestrictedAccess
from hearth.workforce import selectors, services
from hearth.workforce.models import Allocation, Leave, WorkerProfile

from .conftest import TODAY, D

pytestmark = pytest.mark.django_db


def _item(sc, person):
    return next(i for i in selectors.work_items(sc.team) if i.person.pk == person.pk)


def _ranked(item):
    return [c.load.worker.full_name for c in item.candidates]


def _reasons(item, worker):
    c = next(c for c in item.candidates if c.load.worker.pk == worker.pk)
    return [r.text for r in c.reasons]


def _inv(person):
    return Involvement.objects.get(person=person, ended__isnull=True)


def test_capacity_headroom_ranks_the_emptiest_first(sc):
    sc.children(sc.sam, 10)
    sc.children(sc.agent, 2)
    child = sc.child()
    item = _item(sc, child)
    # Agent 16.5 headroom, Jo 12.06, Sam 10.5, Priya 9.
    assert _ranked(item) == ["Lee Agent", "Jo Bell", "Sam Rivers", "Priya Shah"]
    assert _reasons(item, sc.sam)[0] == "Capacity: 7.5 of 18.0 (+10.5 headroom)"


def test_interests_matching_the_work_raise_a_worker(sc):
    sc.children(sc.agent, 4)  # headroom 15
    sc.children(sc.jo, 4)
    teenager = sc.child(age=15)
    item = _item(sc, teenager)
    assert "adolescents" in item.tags
    assert "Interests: Adolescents" in _reasons(item, sc.priya)
    # Priya (9 + 3) is ahead of Sam (18 - 0) only by headroom? No: Sam 18 > 12.
    WorkerProfile.objects.create(user=sc.sam, interests=[])
    sc.children(sc.sam, 10)  # Sam headroom 10.5 < Priya 12 with the interest
    item = _item(sc, teenager)
    assert _ranked(item).index("Priya Shah") < _ranked(item).index("Sam Rivers")


def test_career_goals_matching_the_work_count_too(sc):
    WorkerProfile.objects.create(user=sc.agent, career_goals="More work with adolescents")
    teenager = sc.child(age=15)
    assert "Career goals: Adolescents" in _reasons(_item(sc, teenager), sc.agent)


def test_speaking_the_childs_first_language_counts(sc):
    WorkerProfile.objects.create(user=sc.sam, languages=["Polish", "French"])
    child = sc.child(first_language="POL")
    item = _item(sc, child)
    assert item.language == "Polish"
    assert "Speaks Polish, the child's first language" in _reasons(item, sc.sam)
    assert not any("Speaks" in r for r in _reasons(item, sc.agent))


def test_continuity_with_a_sibling_puts_their_worker_first(sc):
    sc.children(sc.priya, 6)  # Priya nearly full
    sister = sc.child(sc.priya)
    child = sc.child()
    Relationship.objects.create(person=child, relative=sister, kind="sibling")
    Relationship.objects.create(person=sister, relative=child, kind="sibling")
    item = _item(sc, child)
    assert _ranked(item)[0] == "Priya Shah"
    assert "Continuity: already works with a brother or sister" in _reasons(item, sc.priya)


def test_continuity_with_earlier_work_counts(sc):
    child = sc.child()
    Involvement.objects.create(
        person=child, team=sc.team, worker=sc.sam, reason="Earlier", started=D(2025, 1, 1),
        ended=D(2025, 6, 1),
    )  # fmt: skip
    assert "Continuity: worked with this child before" in _reasons(_item(sc, child), sc.sam)


def test_leave_in_the_coming_days_counts_against(sc):
    Leave.objects.create(
        user=sc.agent, start=TODAY + dt.timedelta(days=2), end=TODAY + dt.timedelta(days=12)
    )
    Leave.objects.create(user=sc.sam, start=TODAY, end=TODAY + dt.timedelta(days=1))
    child = sc.child()
    item = _item(sc, child)
    assert "Leave from 22 January to 1 February" in _reasons(item, sc.agent)
    assert "On leave until 21 January" in _reasons(item, sc.sam)
    assert _ranked(item)[-1] == "Sam Rivers"


def test_newly_qualified_worker_is_not_offered_child_protection_lead(sc):
    child = sc.child()
    episode = sc.episode(child, referral=D(2027, 1, 4))
    discussion = StrategyDiscussion.objects.create(
        person=child,
        episode=episode,
        held_at=dt.datetime(2027, 1, 5, 10, tzinfo=dt.UTC),
        decision="s47",
    )
    Section47Enquiry.objects.create(
        person=child,
        episode=episode,
        strategy_discussion=discussion,
        started_on=D(2027, 1, 5),
        last_strategy_on=D(2027, 1, 5),
    )
    item = _item(sc, child)
    assert item.child_protection
    assert _ranked(item)[-1] == "Jo Bell"
    jo = next(c for c in item.candidates if c.load.worker.pk == sc.jo.pk)
    assert not jo.suitable
    # Qualified 1 December 2026: six months later.
    assert "Newly qualified: no child protection lead until 1 June 2027" in _reasons(item, sc.jo)
    with pytest.raises(ValidationError) as e:
        services.case_allocate(acting_user=sc.manager, involvement=_inv(child), worker=sc.jo)
    assert e.value.message_dict["worker"] == [
        "Jo Bell is newly qualified: they cannot lead child protection work until 1 June 2027"
    ]
    # Once the first months are over, the protection is the caseload limit alone.
    sc.jo.qualified_on = D(2026, 6, 1)
    sc.jo.save()
    services.case_allocate(acting_user=sc.manager, involvement=_inv(child), worker=sc.jo)


def test_newly_qualified_worker_may_take_other_work(sc):
    child = sc.child()
    item = _item(sc, child)
    jo = next(c for c in item.candidates if c.load.worker.pk == sc.jo.pk)
    assert jo.suitable
    assert "Newly qualified (ASYE): protected caseload" in _reasons(item, sc.jo)
    services.case_allocate(acting_user=sc.manager, involvement=_inv(child), worker=sc.jo)


def test_allocation_sets_the_worker_and_keeps_the_history(sc):
    child = sc.child()
    a = services.case_allocate(
        acting_user=sc.manager, involvement=_inv(child), worker=sc.sam, reason="Lives near"
    )
    assert _inv(child).worker == sc.sam
    assert a.allocated_by == sc.manager
    assert a.reason == "Lives near"
    assert a.over_capacity_reason == ""
    assert list(selectors.allocation_history(sc.team)) == [a]
    assert selectors.work_items(sc.team) == []
    # The worker is told.
    note = sc.sam.notifications.get()
    assert note.text == f"{child.display_name} has been allocated to you by Tom Reid"


def test_over_capacity_needs_a_reason_and_records_it(sc):
    sc.children(sc.priya, 9)  # 6.75 + one more at 0.75 = 7.5 < 9: fine; fill her up
    for c in sc.children(sc.priya, 3):
        sc.cp_plan(c)  # 6.75 + 4.5 = 11.25 of 9
    child = sc.child()
    with pytest.raises(ValidationError) as e:
        services.case_allocate(acting_user=sc.manager, involvement=_inv(child), worker=sc.priya)
    assert "over capacity" in e.value.message_dict["over_capacity_reason"][0]
    assert _inv(child).worker is None
    a = services.case_allocate(
        acting_user=sc.manager,
        involvement=_inv(child),
        worker=sc.priya,
        over_capacity_reason="She knows the family well",
    )
    assert a.over_capacity_reason == "She knows the family well"
    assert a.weight_before == Decimal("11.25")
    assert a.capacity == Decimal("9")


def test_a_worker_whose_access_does_not_cover_the_child_is_refused(sc):
    child = sc.child(restricted=True)
    RestrictedAccess.objects.create(person=child, user=sc.manager, granted_by=sc.manager)
    with pytest.raises(ValidationError) as e:
        services.case_allocate(acting_user=sc.manager, involvement=_inv(child), worker=sc.sam)
    assert "cannot open this child's record" in e.value.message_dict["worker"][0]
    assert _inv(child).worker is None
    assert not Allocation.objects.exists()


def test_two_managers_allocating_at_once_make_one_allocation(sc):
    child = sc.child()
    first = _inv(child)
    second = _inv(child)  # the other manager's page, loaded before the first allocation
    services.case_allocate(acting_user=sc.manager, involvement=first, worker=sc.sam)
    with pytest.raises(services.AlreadyAllocatedError) as e:
        services.case_allocate(acting_user=sc.service_manager, involvement=second, worker=sc.agent)
    assert e.value.messages == [
        f"{child.display_name} has just been allocated to Sam Rivers by another manager. "
        "Nothing has been changed."
    ]
    assert _inv(child).worker == sc.sam
    assert Allocation.objects.count() == 1


def test_only_the_teams_managers_allocate_and_only_to_its_workers(sc):
    child = sc.child()
    with pytest.raises(PermissionDenied):
        services.case_allocate(acting_user=sc.other_manager, involvement=_inv(child), worker=sc.sam)
    with pytest.raises(PermissionDenied):
        services.case_allocate(acting_user=sc.sam, involvement=_inv(child), worker=sc.sam)
    with pytest.raises(ValidationError):
        services.case_allocate(
            acting_user=sc.manager, involvement=_inv(child), worker=sc.other_worker
        )


def test_reallocation_list_for_long_leave(sc):
    kids = sc.children(sc.sam, 3)
    Leave.objects.create(
        user=sc.sam,
        kind="parental",
        start=TODAY + dt.timedelta(days=5),
        end=TODAY + dt.timedelta(days=120),
    )
    assert [x.user for x in selectors.long_leave(sc.team)] == [sc.sam]
    items = selectors.reallocation_list(sc.sam)
    assert {i.person.pk for i in items} == {k.pk for k in kids}
    assert all("Sam Rivers" not in _ranked(i) for i in items)
    services.case_allocate(
        acting_user=sc.manager,
        involvement=items[0].involvement,
        worker=sc.agent,
        expected_worker_id=sc.sam.pk,
    )
    a = Allocation.objects.get()
    assert a.kind == "reallocate"
    assert a.previous_worker == sc.sam
    assert len(selectors.reallocation_list(sc.sam)) == 2


def test_what_is_known_kind_flags_and_missing(sc):
    moved = sc.child(reason="Transfer from Assessment Team South")
    Involvement.objects.create(
        person=moved, team=sc.other_worker.team, worker=sc.other_worker, reason="Assessment",
        started=D(2026, 10, 1), ended=D(2027, 1, 4),
    )  # fmt: skip
    referred = sc.child()
    episode = sc.episode(referred, referral=D(2027, 1, 4))
    from hearth.casework.models import Assessment

    Assessment.objects.create(person=referred, episode=episode, started_on=D(2027, 1, 5))
    items = {i.person.pk: i for i in selectors.work_items(sc.team)}
    assert items[moved.pk].kind == "Transfer in"
    assert items[referred.pk].kind == "New referral"
    assert items[referred.pk].missing  # the assessment lacks the child seen, their voice...
    assert items[moved.pk].missing == []
