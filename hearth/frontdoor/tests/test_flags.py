"""Each flag rule on its own, as a pure function over facts: when it fires, when it
does not, and that its reason names the dates and referrers that raised it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hearth.frontdoor import flags
from hearth.frontdoor.models import FlagKind

LONDON = ZoneInfo("Europe/London")


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, 0, tzinfo=LONDON)


def contact(
    n: int,
    when: dt.datetime,
    who: str = "Ms Pryce (School)",
    key: str = "",
    categories: tuple[str, ...] = ("neglect",),
) -> flags.ContactFact:
    return flags.ContactFact(n, when, who, key or who, frozenset(categories))


def child(**kw) -> flags.ChildFacts:
    kw.setdefault("person_id", 7)
    kw.setdefault("name", "Arthur Test")
    kw.setdefault("date_of_birth", dt.date(2014, 1, 5))
    kw.setdefault("not_independently_mobile", False)
    return flags.ChildFacts(**kw)


INJURY = frozenset({"physical_injury"})
NOW = contact(
    99,
    at(2026, 6, 10),
    categories=("physical_injury",),
    who="Joan (Parent, relative or carer)",
    key="joan",
)


# --- Re-referral ---------------------------------------------------------------------


def test_re_referral_within_12_months_of_a_closure():
    c = child(episodes=[flags.EpisodeFact(dt.date(2025, 1, 6), dt.date(2025, 9, 30))])
    found = flags.re_referral(c, NOW)
    assert found is not None and found.kind == FlagKind.RE_REFERRAL
    assert "referred 6 January 2025, closed 30 September 2025" in found.reason
    assert found.person_id == 7


def test_re_referral_within_12_months_of_a_referral_still_open():
    c = child(episodes=[flags.EpisodeFact(dt.date(2026, 2, 1), None)])
    found = flags.re_referral(c, NOW)
    assert found is not None and "referred 1 February 2026, still open" in found.reason


def test_no_re_referral_when_the_last_one_closed_over_12_months_before():
    c = child(episodes=[flags.EpisodeFact(dt.date(2024, 1, 6), dt.date(2025, 6, 9))])
    assert flags.re_referral(c, NOW) is None
    c = child(episodes=[flags.EpisodeFact(dt.date(2024, 1, 6), dt.date(2025, 6, 10))])
    assert flags.re_referral(c, NOW) is not None  # exactly 12 months: inside


# --- Repeated contacts --------------------------------------------------------------


def test_three_contacts_in_six_months_counting_this_one():
    earlier = [
        contact(1, at(2026, 1, 20), "GP (GP)"),
        contact(2, at(2026, 4, 2), "Police (Police)"),
    ]
    found = flags.repeated_contacts(child(earlier_contacts=earlier), NOW)
    assert found is not None and found.kind == FlagKind.REPEATED_CONTACTS
    assert found.reason.startswith("3 contacts about Arthur Test in 6 months")
    for text in (
        "20 January 2026 from GP (GP)",
        "2 April 2026 from Police (Police)",
        "10 June 2026 from Joan",
    ):
        assert text in found.reason


def test_two_contacts_or_an_older_third_do_not_flag():
    assert (
        flags.repeated_contacts(child(earlier_contacts=[contact(1, at(2026, 4, 2))]), NOW) is None
    )
    older = [
        contact(1, at(2025, 12, 9)),
        contact(2, at(2026, 4, 2)),
    ]  # first is 6 months + 1 day back
    assert flags.repeated_contacts(child(earlier_contacts=older), NOW) is None


def test_a_later_contact_does_not_count_back():
    later = [contact(1, at(2026, 6, 11)), contact(2, at(2026, 6, 12))]
    assert flags.repeated_contacts(child(earlier_contacts=later), NOW) is None


# --- Injuries from different referrers (the Arthur Labinjo-Hughes pattern) ---------


def test_arthur_pattern_two_relatives_report_bruising_weeks_apart():
    """Grandmother and then an uncle each send photographs of bruising within weeks.
    Each report alone might be judged as a fall; together they flag."""
    grandmother = contact(
        1,
        at(2026, 5, 20),
        "Joan Hughes (Parent, relative or carer)",
        "joan hughes|",
        ("physical_injury",),
    )
    uncle = contact(
        2,
        at(2026, 6, 10),
        "Peter Hughes (Parent, relative or carer)",
        "peter hughes|",
        ("physical_injury", "emotional_harm"),
    )
    found = flags.injury_from_different_referrers(child(earlier_contacts=[grandmother]), uncle)
    assert found is not None and found.kind == FlagKind.INJURY_DIFFERENT_REFERRERS
    assert "reported by 2 different referrers within 12 months" in found.reason
    assert "20 May 2026 from Joan Hughes (Parent, relative or carer)" in found.reason
    assert "10 June 2026 from Peter Hughes (Parent, relative or carer)" in found.reason
    # The whole set fires as a list too.
    kinds = {f.kind for f in flags.evaluate([child(earlier_contacts=[grandmother])], uncle)}
    assert FlagKind.INJURY_DIFFERENT_REFERRERS in kinds


def test_the_photographs_sent_with_each_report_are_named():
    grandmother = flags.ContactFact(
        1, at(2026, 5, 20), "Joan Hughes (Parent, relative or carer)", "joan", INJURY, 3
    )
    uncle = flags.ContactFact(
        2, at(2026, 6, 3), "Peter Hughes (Parent, relative or carer)", "peter", INJURY, 1
    )
    found = flags.injury_from_different_referrers(child(earlier_contacts=[grandmother]), uncle)
    assert found is not None
    assert "20 May 2026 from Joan Hughes (Parent, relative or carer), with 3 photographs" in (
        found.reason
    )
    assert "3 June 2026 from Peter Hughes (Parent, relative or carer), with 1 photograph;" not in (
        found.reason
    )
    assert found.reason.endswith(
        "3 June 2026 from Peter Hughes (Parent, relative or carer), with 1 photograph. "
        "Consider the reports together."
    )


def test_the_same_referrer_twice_is_not_different_referrers():
    first = contact(1, at(2026, 5, 20), "Joan", "joan", ("physical_injury",))
    assert flags.injury_from_different_referrers(child(earlier_contacts=[first]), NOW) is None


def test_earlier_concern_not_about_injury_does_not_count():
    other = contact(1, at(2026, 5, 20), "GP", "gp", ("neglect",))
    assert flags.injury_from_different_referrers(child(earlier_contacts=[other]), NOW) is None


def test_this_contact_must_be_about_an_injury():
    injury = contact(1, at(2026, 5, 20), "GP", "gp", ("physical_injury",))
    neglect = contact(99, at(2026, 6, 10), "School", "school", ("neglect",))
    assert flags.injury_from_different_referrers(child(earlier_contacts=[injury]), neglect) is None


def test_injury_over_12_months_before_does_not_count():
    old = contact(1, at(2025, 6, 9), "GP", "gp", ("physical_injury",))
    assert flags.injury_from_different_referrers(child(earlier_contacts=[old]), NOW) is None


# --- Injury to a baby or a child not yet mobile (NICE CG89) -------------------------


def test_injury_to_a_baby_under_six_months():
    baby = child(name="Baby Test", date_of_birth=dt.date(2026, 2, 1))
    found = flags.injury_to_child_not_mobile(baby, NOW)
    assert found is not None and found.kind == FlagKind.INJURY_NOT_MOBILE
    assert "Baby Test was 18 weeks old (born 1 February 2026)" in found.reason
    assert "consider a child protection medical and a strategy discussion" in found.reason.lower()
    assert "NICE guideline CG89" in found.reason and "NG76" in found.reason


def test_injury_to_an_older_child_recorded_as_not_mobile():
    older = child(date_of_birth=dt.date(2025, 6, 1), not_independently_mobile=True)
    found = flags.injury_to_child_not_mobile(older, NOW)
    assert found is not None and "recorded as not yet independently mobile" in found.reason


def test_injury_to_a_baby_still_recorded_as_unborn():
    """A newborn whose record has not yet been changed from 'unborn' is still a baby."""
    baby = child(name="Baby Hughes", date_of_birth=None, expected_date_of_birth=dt.date(2026, 5, 2))
    found = flags.injury_to_child_not_mobile(baby, NOW)
    assert found is not None and found.kind == FlagKind.INJURY_NOT_MOBILE
    assert "Baby Hughes is recorded as a baby expected on 2 May 2026" in found.reason
    older = child(date_of_birth=None, expected_date_of_birth=dt.date(2025, 12, 1))
    assert flags.injury_to_child_not_mobile(older, NOW) is None


def test_no_flag_for_a_mobile_child_or_a_concern_without_injury():
    assert flags.injury_to_child_not_mobile(child(date_of_birth=dt.date(2025, 6, 1)), NOW) is None
    baby = child(date_of_birth=dt.date(2026, 5, 1))
    assert flags.injury_to_child_not_mobile(baby, contact(1, at(2026, 6, 10))) is None
    # Six months old to the day counts as mobile unless recorded otherwise.
    assert flags.injury_to_child_not_mobile(child(date_of_birth=dt.date(2025, 12, 10)), NOW) is None


# --- On a plan or looked after --------------------------------------------------------


def test_child_on_a_protection_plan_now():
    c = child(protection_plans=[flags.PeriodFact(dt.date(2026, 1, 12), None)])
    found = flags.protected_or_looked_after(c, NOW)
    assert found is not None and found.kind == FlagKind.PROTECTED_CHILD
    assert "has been on a child protection plan since 12 January 2026" in found.reason


def test_child_looked_after_now_but_not_an_ended_plan():
    c = child(
        protection_plans=[flags.PeriodFact(dt.date(2024, 1, 12), dt.date(2025, 1, 12))],
        looked_after=[flags.PeriodFact(dt.date(2026, 3, 1), None)],
    )
    found = flags.protected_or_looked_after(c, NOW)
    assert found is not None
    assert (
        found.reason == "Arthur Test has been looked after since 1 March 2026: "
        "tell the allocated social worker today."
    )


def test_nothing_known_raises_nothing():
    assert flags.evaluate([child()], NOW) == []
