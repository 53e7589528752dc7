"""My work (a social worker's home page) and a team's overdue list: what is due across
the worker's children sorted by its stored date, the visits due today, new information
since the worker last looked, who may see which list, and a fixed number of queries
whatever the caseload. The clock is fixed at 20 January 2027 (conftest)."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone

from hearth.casework import mywork, selectors, services
from hearth.casework.models import CaseAction, MyWorkSeen, Task
from hearth.frontdoor.models import Contact, ContactPerson, ContactStatus, InformationRequest

from .conftest import NOW, D
from .test_services import _assessment, _fill, _icpc, _strategy

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def _task(child, title: str, due_on: dt.date, rule: str = "cp.visit", role: str = "social_worker"):
    """A stored due date as the services would keep it (for caseloads built quickly)."""
    return Task.objects.create(
        person=child, rule_code=rule, title=title, role=role, due_on=due_on,
        source_type="test.row", source_id=Task.objects.count() + 1, source_field=title,
    )  # fmt: skip


def _caseload(cw, f, n: int) -> list:
    children = [cw.child]
    for i in range(n - 1):
        child = f.person(given_name=f"Kid{i}", family_name="Caseload")
        f.involve(child, cw.team, cw.worker)
        _task(child, "Visit the child and see them alone", D(2027, 1, 10) + dt.timedelta(days=i))
        children.append(child)
    return children


def test_my_work_lists_everything_due_for_the_workers_children_soonest_first(cw, login):
    episode = cw.episode()
    _fill(cw, _assessment(cw, episode))  # due 45 working days from the referral: overdue
    _strategy(cw, episode)  # the initial conference is due 15 working days later
    _icpc(cw, episode)  # the reports are due before it
    CaseAction.objects.create(
        person=cw.child, strategy_discussion=episode.strategy_discussions.get(),
        description="Arrange a child protection medical", owner="Dr Rao (health)",
        due_on=D(2027, 1, 25),
    )  # fmt: skip
    work = mywork.my_work(cw.worker)
    titles = [i.title for i in work.due.items]
    assert "assessment" in titles[0].lower()  # due first: 45 working days from referral
    dates = [i.due_on for i in work.due.items]
    assert dates == sorted(dates)
    assert "Arrange a child protection medical" in titles
    assert work.due.overdue == work.due.total - 1  # all but the medical are past
    page = _text(login(cw.worker).get("/casework/my-work/"))
    assert "My work" in page and "Amelia Okafor" in page
    assert "Arrange a child protection medical" in page and "(agreed action)" in page
    assert "Working Together to Safeguard Children 2023" in page  # each date's rule and source


def test_a_social_worker_lands_on_my_work(cw, login, f):
    page = _text(login(cw.worker).get("/"))
    assert '<h1 class="govuk-heading-l">My work</h1>' in page
    # Other roles keep the general home page.
    page = _text(login(cw.chair).get("/"))
    assert "My work</h1>" not in page


def test_visits_due_today_or_overdue(cw, login, f):
    other = f.person(given_name="Noah", family_name="Price")
    f.involve(other, cw.team, cw.worker)
    today = timezone.localdate()
    _task(cw.child, "Visit the child and see them alone", today)
    _task(other, "Visit the child and see them alone", today + dt.timedelta(days=3))
    _task(other, "Hold the first core group meeting", today, rule="cp.core_group.first")
    work = mywork.my_work(cw.worker)
    assert [(v.person_name, v.due_on) for v in work.visits] == [("Amelia Okafor", today)]
    page = _text(login(cw.worker).get("/casework/my-work/"))
    assert "Visits to make today" in page and "No statutory visits are due today" not in page


def test_only_the_workers_own_visible_children_are_listed(cw, login, f):
    theirs = f.person(given_name="Zara", family_name="Other")
    f.involve(theirs, cw.outsider.team, cw.outsider)
    _task(theirs, "Visit the child and see them alone", D(2027, 1, 5))
    _task(cw.child, "Visit the child and see them alone", D(2027, 1, 6))
    assert [i.person_name for i in mywork.my_work(cw.worker).due.items] == ["Amelia Okafor"]
    assert [i.person_name for i in mywork.my_work(cw.outsider).due.items] == ["Zara Other"]
    # A restricted record the worker is not named on stays out of the list.
    cw.child.restricted = True
    cw.child.save()
    assert mywork.my_work(cw.worker).due.items == []
    # A partner has no "My work".
    assert login(cw.partner).get("/casework/my-work/").status_code == 404


def _contact(cw, child, submitted_at, concern="Bruising seen at school"):
    contact = Contact.objects.create(
        status=ContactStatus.AWAITING_DECISION, concern=concern, received_at=submitted_at,
        submitted_at=submitted_at, created_by=cw.manager,
    )  # fmt: skip
    ContactPerson.objects.create(contact=contact, person=child, role="child", added_by=cw.manager)
    return contact


def test_new_information_since_the_worker_last_looked(cw, login, f):
    old = _contact(cw, cw.child, NOW - dt.timedelta(days=40), "An old concern")
    _contact(cw, cw.child, NOW - dt.timedelta(days=2), "Bruising seen at school on Monday")
    police = f.organisation("Hearthshire Police")
    InformationRequest.objects.create(
        contact=old, organisation=police, question="Anything known?", due_at=NOW,
        sent_by=cw.manager, status="answered", response="Two call-outs to the address.",
        responded_at=NOW - dt.timedelta(days=1), form_token=uuid.uuid4(),
    )  # fmt: skip
    stranger = f.person(given_name="Not", family_name="Mine")
    _contact(cw, stranger, NOW - dt.timedelta(days=1), "Someone else's child")
    work = mywork.my_work(cw.worker)
    assert [(n.what, n.excerpt) for n in work.news] == [
        ("Answer from Hearthshire Police", "Two call-outs to the address."),
        ("New contact to the front door", "Bruising seen at school on Monday"),
    ]
    c = login(cw.worker)
    page = _text(c.get("/casework/my-work/"))
    assert "Answer from Hearthshire Police" in page and "Someone else" not in page
    rendered = re.search(r'name="seen_at" value="([^"]+)"', page)
    assert rendered
    r = c.post("/casework/my-work/seen/", {"seen_at": rendered.group(1)})
    assert r.status_code == 302
    assert mywork.my_work(cw.worker).news == []
    # Something arriving after the page was made is still new.
    _contact(cw, cw.child, NOW + dt.timedelta(seconds=1), "A later worry")
    assert [n.excerpt for n in mywork.my_work(cw.worker).news] == ["A later worry"]
    assert MyWorkSeen.objects.get(user=cw.worker).seen_at == dt.datetime.fromisoformat(
        rendered.group(1)
    )


def test_marking_as_seen_refuses_bad_input(cw, login):
    c = login(cw.worker)
    for bad in ("", "yesterday", "2027-01-20T12:00:00", (NOW + dt.timedelta(hours=1)).isoformat()):
        r = c.post("/casework/my-work/seen/", {"seen_at": bad}, follow=True)
        assert "nothing was marked as seen" in _text(r)
    assert not MyWorkSeen.objects.exists()
    assert c.get("/casework/my-work/seen/").status_code == 405
    with pytest.raises(Exception, match="future"):
        services.my_work_mark_seen(acting_user=cw.worker, seen_at=NOW + dt.timedelta(days=1))


def test_my_work_reads_a_fixed_number_of_queries_whatever_the_caseload(
    cw, login, f, django_assert_max_num_queries
):
    c = login(cw.worker)
    _caseload(cw, f, 3)
    with django_assert_max_num_queries(22) as small:
        _text(c.get("/casework/my-work/"))
    _caseload(cw, f, 25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = _text(c.get("/casework/my-work/"))
    assert "Kid23 Caseload" in page


# --- The team's overdue list ------------------------------------------------------------------


def test_team_overdue_lists_what_is_late_across_the_team_with_the_worker(cw, login, f):
    colleague = f.user("social_worker", team=cw.team, full_name="Jo Mensah")
    theirs = f.person(given_name="Lily", family_name="Mensah")
    f.involve(theirs, cw.team, colleague)
    _task(theirs, "Visit the child and see them alone", D(2027, 1, 4))
    _task(cw.child, "Hold the first core group meeting", D(2027, 1, 12), rule="cp.core_group.first")
    _task(cw.child, "Visit the child and see them alone", D(2027, 2, 1))  # not yet due
    elsewhere = f.person(given_name="Far", family_name="Away")
    f.involve(elsewhere, f.team("Assessment Team South 2"), cw.outsider)
    _task(elsewhere, "Visit the child and see them alone", D(2027, 1, 1))
    work = selectors.team_overdue(cw.team.pk, today=D(2027, 1, 20))
    assert [(i.person_name, i.worker, i.due_on) for i in work.items] == [
        ("Lily Mensah", "Jo Mensah", D(2027, 1, 4)),
        ("Amelia Okafor", "Sam Rivers", D(2027, 1, 12)),
    ]
    page = _text(login(cw.manager).get("/casework/team/overdue/"))
    assert "Lily Mensah" in page and "Jo Mensah" in page and "Far Away" not in page
    assert 'href="/casework/team/overdue/"' in _text(login(cw.manager).get("/"))  # menu
    assert "2 overdue" in page


def test_team_overdue_is_for_the_teams_managers_only(cw, login, f):
    assert login(cw.worker).get("/casework/team/overdue/").status_code == 403
    assert login(cw.partner).get("/casework/team/overdue/").status_code == 403
    assert login(cw.chair).get("/casework/team/overdue/").status_code == 403
    other_area = f.team("Children in Care North", service_area="children_in_care")
    # A service manager chooses among the teams of their service area, no others.
    c = login(cw.second_manager)
    assert c.get(f"/casework/team/overdue/?team={cw.team.pk}").status_code == 200
    assert c.get(f"/casework/team/overdue/?team={other_area.pk}").status_code == 404
    # A team manager sees only their own team.
    c = login(cw.manager)
    assert c.get(f"/casework/team/overdue/?team={other_area.pk}").status_code == 404


def test_a_restricted_childs_name_stays_off_the_teams_list(cw, f):
    _task(cw.child, "Visit the child and see them alone", D(2027, 1, 4))
    cw.child.restricted = True
    cw.child.save()
    work = selectors.team_overdue(cw.team.pk, today=D(2027, 1, 20))
    assert [i.person_name for i in work.items] == ["Restricted record"]


def test_team_overdue_reads_a_fixed_number_of_queries(cw, login, f, django_assert_max_num_queries):
    c = login(cw.manager)
    _caseload(cw, f, 3)
    with django_assert_max_num_queries(22) as small:
        _text(c.get("/casework/team/overdue/"))
    _caseload(cw, f, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        _text(c.get("/casework/team/overdue/"))


def test_reports_waiting_come_from_the_documents_app(cw, login, f):
    from hearth.documents.models import Report, ReportState

    assert mywork.reports_awaiting_action(cw.worker) == []

    def report(child, **values):
        f.involve(child, cw.team, cw.worker)
        episode = services.cin_episode_open(
            acting_user=None, person=child, referral_date=D(2026, 4, 2), referral_source="2A"
        )
        assessment = _assessment(cw, episode)
        return Report.objects.create(
            person=child, kind="assessment", assessment=assessment, author=cw.worker, **values
        )

    draft = report(f.person(given_name="Ada", family_name="One"))
    returned = report(f.person(given_name="Ben", family_name="Two"), state=ReportState.RETURNED)
    submitted = report(
        f.person(given_name="Cy", family_name="Three"), state=ReportState.SUBMITTED,
        team=cw.team, submitted_to=cw.manager, submitted_at=NOW,
    )  # fmt: skip
    # Each deadline is its assessment's due date (as the documents app keeps it).
    assert mywork.reports_awaiting_action(cw.worker) == [draft, returned]
    assert mywork.reports_awaiting_action(cw.manager) == [submitted]
    page = _text(login(cw.worker).get("/casework/my-work/"))
    assert "Assessment report</a> for Ben Two: returned with comments, due 10 June 2026" in page
    assert f'href="/documents/reports/{draft.pk}/"' in page
