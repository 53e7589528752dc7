"""Each indicator against a figure computed by hand on a small fixed dataset.

The period is 1 April to 31 December 2026. By hand:
- contacts: c1, c2, c3 in the period (c4 is a draft, c5 came in March) = 3;
- contacts becoming referrals: of the 3 decided in the period, c1 = 1 of 3 = 33.3%;
- decisions within 1 working day: c1 and c3 by their due time, c2 late = 2 of 3 = 66.7%;
- re-referrals: A (273 days after an earlier referral) and D (exactly 365 days) of A, B
  (485 days), C (first) and D = 2 of 4 = 50.0%;
- assessments within 45 working days: a1 by its due date, a2 after (a3 is in January
  2027) = 1 of 2 = 50.0%;
- initial conferences within 15 working days: s1 early, s3 on the day, s2 late = 2 of 3;
- children on plans seen within timescale at 31 December: p1, p7, p8, p9 (visits due in
  January), p2 (due 20 December, overdue); p3 ended, p4 not begun = 4 of 5 = 80.0%;
- plans lasting 2 years or more: p3 (761 days), p6 (730 days) of p3, p5 (516), p6 = 2 of 3;
- second or subsequent plans: p7 (an earlier plan on record), p8 (a previous plan
  recorded in the census count) of p7, p8, p9 = 2 of 3 = 66.7%;
- caseload: 3, 1, 0 and 2 children = average 1.5, from 0 to 3;
- agency staff: 2 of 4 = 50.0%;
- supervision on time at 31 December: w1 (21 days ago, monthly) and w3 (11 days ago,
  fortnightly in ASYE); w2 60 days ago, w4 never = 2 of 4 = 50.0%.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from hearth.casework.models import (
    Assessment,
    ChildProtectionPlan,
    CINEpisode,
    Section47Enquiry,
    StrategyDiscussion,
)
from hearth.frontdoor.models import Contact, ContactPerson
from hearth.insights import indicators
from hearth.insights.indicators import Period
from hearth.insights.models import NationalReference
from hearth.people.models import Involvement
from hearth.workforce.models import Supervision

D = dt.date
P = Period(D(2026, 4, 1), D(2026, 12, 31))
pytestmark = pytest.mark.django_db


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(at(2027, 1, 20, 12), tick=False):
        yield


@pytest.fixture
def data(f):
    team = f.team("Team T")
    other = f.team("Team U")
    manager = f.user("team_manager", team=team)
    w1 = f.user("social_worker", team=team, full_name="W One")
    w2 = f.user("social_worker", team=team, full_name="W Two", employment_type="agency")
    w3 = f.user("social_worker", team=team, full_name="W Three", qualified_on=D(2026, 7, 1),
                asye_until=D(2027, 6, 30))  # fmt: skip
    w4 = f.user("senior_practitioner", team=team, full_name="W Four", employment_type="agency")
    kid = iter(range(1, 100))

    def child(worker=None, t=team):
        p = f.person(given_name=f"Kid{next(kid)}")
        if worker is not None or t is not team:
            Involvement.objects.create(
                person=p, team=t, worker=worker, reason="x", started=D(2026, 1, 1)
            )
        return p

    for w, n in ((w1, 3), (w2, 1), (w3, 0), (w4, 2)):
        for _ in range(n):
            child(w)

    # Contacts
    def contact(received, decided, due, decision, status="decided"):
        return Contact.objects.create(
            status=status, received_at=received, decided_at=decided, decision_due_at=due,
            decision=decision, created_by=manager, referred_to_team=team,
        )  # fmt: skip

    c1 = contact(at(2026, 5, 1), at(2026, 5, 1, 15), at(2026, 5, 4), "referral")
    contact(at(2026, 6, 1), at(2026, 6, 5), at(2026, 6, 2), "no_further_action")
    contact(at(2026, 7, 1), at(2026, 7, 1, 16), at(2026, 7, 2), "early_help")
    contact(at(2026, 7, 1), None, None, "", status="draft")
    contact(at(2026, 3, 1), at(2026, 3, 2), at(2026, 3, 2), "referral")
    # Referrals (CIN episodes)
    a, b, c, d = child(), child(), child(), child(t=other)
    ContactPerson.objects.create(contact=c1, person=a, role="child", added_by=manager)

    def episode(p, ref, closed=None):
        return CINEpisode.objects.create(
            person=p, referral_date=ref, referral_source="2A", closure_date=closed
        )

    episode(a, D(2025, 9, 1), D(2025, 12, 1))
    ea = episode(a, D(2026, 6, 1))
    episode(b, D(2025, 1, 1), D(2025, 6, 1))
    episode(b, D(2026, 5, 1))
    episode(c, D(2026, 8, 1))
    episode(d, D(2025, 7, 1), D(2025, 8, 1))
    episode(d, D(2026, 7, 1))
    # Assessments
    for auth, due in ((D(2026, 6, 20), D(2026, 7, 1)), (D(2026, 7, 10), D(2026, 7, 1)),
                      (D(2027, 1, 5), D(2027, 1, 6))):  # fmt: skip
        Assessment.objects.create(
            person=a,
            episode=ea,
            started_on=D(2026, 6, 1),
            authorised_on=auth,
            assessment_due_on=due,
        )
    # Initial conferences
    for held, due in ((D(2026, 6, 10), D(2026, 6, 12)), (D(2026, 6, 20), D(2026, 6, 15)),
                      (D(2026, 6, 15), D(2026, 6, 15))):  # fmt: skip
        sd = StrategyDiscussion.objects.create(
            person=a, episode=ea, held_at=at(2026, 6, 2), decision="s47"
        )
        Section47Enquiry.objects.create(
            person=a,
            episode=ea,
            strategy_discussion=sd,
            started_on=D(2026, 6, 2),
            last_strategy_on=D(2026, 6, 2),
            icpc_held_on=held,
            icpc_due_on=due,
        )

    # Plans
    def plan(start, end=None, **v):
        return ChildProtectionPlan.objects.create(
            person=child(),
            start_date=start,
            end_date=end,
            initial_category="NEG",
            latest_category="NEG",
            **v,
        )

    plan(D(2025, 3, 1), next_visit_due_on=D(2027, 1, 5))  # p1
    plan(D(2025, 4, 1), next_visit_due_on=D(2026, 12, 20))  # p2
    plan(D(2024, 10, 1), D(2026, 11, 1))  # p3
    plan(D(2027, 1, 2))  # p4
    plan(D(2025, 1, 1), D(2026, 6, 1))  # p5
    plan(D(2024, 6, 1), D(2026, 6, 1))  # p6
    p7 = plan(D(2026, 5, 1), next_visit_due_on=D(2027, 1, 8))
    ChildProtectionPlan.objects.create(
        person=p7.person,
        start_date=D(2024, 1, 1),
        end_date=D(2024, 12, 1),
        initial_category="NEG",
        latest_category="NEG",
    )
    plan(D(2026, 6, 1), previous_plans=1, next_visit_due_on=D(2027, 1, 8))  # p8
    plan(D(2026, 7, 1), next_visit_due_on=D(2026, 12, 31))  # p9, due on the day: not late
    # Supervision
    for w, held in (
        (w1, D(2026, 12, 10)),
        (w1, D(2027, 1, 10)),
        (w2, D(2026, 11, 1)),
        (w3, D(2026, 12, 20)),
    ):
        Supervision.objects.create(worker=w, supervisor=manager, held_on=held, kind="personal")
    return {"team": team, "other": other, "manager": manager}


EXPECTED = {
    "contacts": ("3", None, 3),
    "contact_referrals": ("33.3%", 1, 3),
    "decisions_1wd": ("66.7%", 2, 3),
    "rereferrals": ("50.0%", 2, 4),
    "assessments_45wd": ("50.0%", 1, 2),
    "icpc_15wd": ("66.7%", 2, 3),
    "cp_visits": ("80.0%", 4, 5),
    "plans_2y": ("66.7%", 2, 3),
    "second_plans": ("66.7%", 2, 3),
    "caseload": ("1.5", None, 4),
    "agency": ("50.0%", 2, 4),
    "supervision": ("50.0%", 2, 4),
}


@pytest.mark.parametrize("code", list(EXPECTED))
def test_each_indicator_against_the_hand_computed_figure(data, code):
    fig = indicators.figure(code, P, None)
    assert (fig.shown, fig.numerator, fig.denominator) == EXPECTED[code]


def test_caseload_spread(data):
    assert indicators.figure("caseload", P, None).detail == "From 0 to 3 children across 4 workers."
    # Before the work started (1 January 2026), nobody held any of it.
    before = indicators.figure("caseload", Period(D(2025, 12, 1), D(2025, 12, 31)), None)
    assert before.shown == "0"
    assert len(indicators.series("agency", P, None)) == 1


def test_team_filter(data):
    # Only D's records were worked with by Team U: one referral, a re-referral.
    fig = indicators.figure("rereferrals", P, [data["other"]])
    assert (fig.numerator, fig.denominator) == (1, 1)
    assert indicators.figure("agency", P, [data["other"]]).value is None


def test_monthly_series(data):
    points = indicators.series("decisions_1wd", P, None)
    by_month = {m.month: (f.numerator, f.denominator) for m, f in points}
    assert len(points) == 9
    assert by_month[5] == (1, 1)
    assert by_month[6] == (0, 1)
    assert by_month[7] == (1, 1)
    assert by_month[8] == (0, 0)


def test_dashboard_and_drill_down_pages(data, f, login, django_assert_max_num_queries):
    NationalReference.objects.create(indicator="rereferrals", value=Decimal("22.4"), year="2023-24",
                                     source="DfE, Characteristics of children in need")  # fmt: skip
    officer = f.user("performance_officer")
    client = login(officer)
    with django_assert_max_num_queries(30):
        page = client.get("/insights/?period=12m").content.decode()
    assert "Re-referrals within 12 months" in page
    assert "22.4%" in page
    page = client.get("/insights/rereferrals/?period=fy").content.decode()
    assert "The chart&#x27;s figures by month" in page or "The chart's figures by month" in page
    assert "Kid" in page  # the children behind it, named for someone who may see them
    # A team manager sees figures but not the names of children outside their access.
    manager = login(data["manager"])
    page = manager.get("/insights/rereferrals/?period=fy&team=").content.decode()
    assert "A child outside your access" in page
    # Their dashboard starts from their own team.
    assert "Team T, " in manager.get("/insights/").content.decode()


def test_insights_are_for_managers_and_performance_officers(data, f, login):
    for role in ("social_worker", "partner", "administrator", "front_door"):
        assert login(f.user(role)).get("/insights/").status_code == 404
    assert login(f.user("service_manager", team=data["team"])).get("/insights/").status_code == 200
    assert login(data["manager"]).get("/insights/nonsense/").status_code == 404


def test_a_performance_officer_sets_the_england_figure(data, f, login):
    officer = login(f.user("performance_officer"))
    page = officer.get("/insights/rereferrals/").content.decode()
    assert "Set the England figure" in page
    response = officer.post("/insights/rereferrals/england/", {"value": "22.4"})
    assert "Enter the year the figure is for" in response.content.decode()
    response = officer.post(
        "/insights/rereferrals/england/",
        {"value": "22.4", "year": "2023-24", "source": "DfE, Characteristics of children in need"},
    )
    assert response.status_code == 302
    assert NationalReference.objects.get(indicator="rereferrals").shown == "22.4"
    assert "22.4% in 2023-24" in officer.get("/insights/rereferrals/").content.decode()
    officer.post("/insights/rereferrals/england/", {"value": ""})
    assert not NationalReference.objects.exists()
    # Managers read the figures; they do not set them.
    assert login(data["manager"]).get("/insights/rereferrals/england/").status_code == 404


def test_contacts_behind_a_figure_link_only_for_those_who_may_open_them(data, f, login):
    contact = Contact.objects.exclude(status="draft").order_by("pk").first()
    link = f'href="/front-door/contacts/{contact.pk}/"'
    officer_page = login(f.user("performance_officer")).get("/insights/contacts/?period=12m")
    assert contact.reference in officer_page.content.decode()
    assert link not in officer_page.content.decode()  # the contact page would be a 404
    fd_manager = f.user("team_manager", team=f.team(service_area="front_door"))
    page = login(fd_manager).get("/insights/contacts/?period=12m").content.decode()
    assert link in page
    assert login(fd_manager).get(f"/front-door/contacts/{contact.pk}/").status_code == 200
