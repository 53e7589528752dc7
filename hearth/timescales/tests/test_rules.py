"""Every rule in Hearth's rule files against dates counted by hand.

Expected dates were counted by hand on a month calendar, skipping the England and
Wales bank holidays (gov.uk/bank-holidays), and cross-checked with `numpy.busday_offset`
given those holidays typed in by hand; see test_calendar.py for the holidays used.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hearth.timescales.calendar import WorkingCalendar
from hearth.timescales.engine import Timescales, rulebook
from hearth.timescales.rules import RuleBook, RuleDataError

from .conftest import CLOSURES_2026

D = dt.date
PLAIN = WorkingCalendar()
CLOSED = WorkingCalendar(CLOSURES_2026)

# (rule, start, repeat (count from the last occurrence), calendar, expected due date)
CASES = [
    # Referral decision: 1 working day.
    ("referral.decision", D(2026, 3, 6), False, PLAIN, D(2026, 3, 9)),  # Fri -> Mon
    ("referral.decision", D(2026, 12, 24), False, PLAIN, D(2026, 12, 29)),  # over 25, 28 Dec
    ("referral.decision", D(2026, 12, 24), False, CLOSED, D(2027, 1, 4)),  # and the closure
    ("referral.decision", D(2027, 12, 24), False, PLAIN, D(2027, 12, 29)),  # 2027 substitutes
    # Assessment: 45 working days from the referral, over Easter and both May holidays.
    ("assessment.completion", D(2026, 4, 2), False, PLAIN, D(2026, 6, 10)),
    # Strategy discussion (local default 1 working day), over the early May bank holiday.
    ("cp.strategy_discussion", D(2026, 5, 1), False, PLAIN, D(2026, 5, 5)),
    # Initial conference: 15 working days from the (last) strategy discussion.
    ("cp.icpc", D(2026, 12, 18), False, PLAIN, D(2027, 1, 13)),
    # Fri 21 Aug 2026: 24-28 Aug (5), Mon 31 Aug bank holiday, 1-4 Sep (9), 7-11 (14), 14.
    ("cp.icpc", D(2026, 8, 21), False, PLAIN, D(2026, 9, 14)),
    # First core group: 10 working days after the conference.
    ("cp.core_group.first", D(2026, 12, 18), False, PLAIN, D(2027, 1, 6)),
    ("cp.core_group.first", D(2026, 12, 18), False, CLOSED, D(2027, 1, 11)),
    # First review: 3 months after the conference, the working day before if closed.
    ("cp.review", D(2026, 9, 30), False, PLAIN, D(2026, 12, 30)),
    ("cp.review", D(2026, 9, 30), False, CLOSED, D(2026, 12, 24)),  # 25-31 Dec all closed
    ("cp.review", D(2026, 11, 30), False, PLAIN, D(2027, 2, 26)),  # 28 Feb (Sun) -> Fri 26
    ("cp.review", D(2026, 11, 27), False, PLAIN, D(2027, 2, 26)),  # 27 Feb (Sat) -> Fri 26
    # Later reviews: at most 6 months after the last.
    ("cp.review", D(2026, 9, 1), True, PLAIN, D(2027, 3, 1)),
    ("cp.review", D(2026, 6, 26), True, PLAIN, D(2026, 12, 24)),  # Sat 26 Dec -> Thu 24
    # Visits: 10 working days from the plan, then from the last visit (local default).
    ("cp.visit", D(2026, 12, 2), False, PLAIN, D(2026, 12, 16)),
    ("cp.visit", D(2026, 12, 18), True, PLAIN, D(2027, 1, 6)),
    ("cp.visit", D(2026, 12, 18), True, CLOSED, D(2027, 1, 11)),
    # Reports to the chair: before the conference (negative offsets).
    ("cp.report.icpc", D(2027, 1, 6), False, PLAIN, D(2026, 12, 31)),  # Tue 5, Mon 4, Thu 31
    ("cp.report.icpc", D(2027, 1, 6), False, CLOSED, D(2026, 12, 24)),
    ("cp.report.review", D(2026, 4, 7), False, PLAIN, D(2026, 3, 27)),  # over Easter
    # Fri 15 May 2026 over the late-May bank holiday (Mon 25): 18-22 (5), 26-29 (9),
    # 1-5 Jun (14), Mon 8 Jun (15).
    ("cp.icpc", D(2026, 5, 15), False, PLAIN, D(2026, 6, 8)),
    # Wed 24 Mar 2027 over Easter 2027 (Fri 26 and Mon 29 March): Thu 25 (1), 30 Mar -
    # 2 Apr (5), 5-9 Apr (10).
    ("cp.core_group.first", D(2027, 3, 24), False, PLAIN, D(2027, 4, 9)),
    # Child in need reviews (local default 6 weeks, the working day before if closed):
    # Mon 20 Jul 2026 + 6 weeks is the August bank holiday (Mon 31 Aug) -> Fri 28 Aug.
    ("cin.review", D(2026, 4, 2), False, PLAIN, D(2026, 5, 14)),
    ("cin.review", D(2026, 7, 20), False, PLAIN, D(2026, 8, 28)),
    # Fri 13 Nov 2026 + 6 weeks is Christmas Day -> Thu 24 Dec.
    ("cin.review", D(2026, 11, 13), True, PLAIN, D(2026, 12, 24)),
]


@pytest.mark.parametrize(
    ("code", "start", "repeat", "calendar", "expected"),
    CASES,
    ids=[f"{c[0]}-{c[1]}{'-repeat' if c[2] else ''}" for c in CASES],
)
def test_rule(code, start, repeat, calendar, expected):
    ts = Timescales(calendar=calendar, local_values=())
    due = ts.next_due(code, start) if repeat else ts.due_date(code, start)
    assert due.date == expected
    assert due.code == code


# Rule sets checked by hand in their own app's tests.
CHECKED_ELSEWHERE = {"children_in_care": "hearth/care/tests/test_schedules.py"}


def _rules_here() -> list:
    return [r for r in rulebook().all_rules() if r.rule_set not in CHECKED_ELSEWHERE]


def test_every_rule_has_a_hand_checked_case():
    assert {c[0] for c in CASES} == {r.code for r in _rules_here()}
    repeating = {r.code for r in _rules_here() if r.repeat}
    assert repeating <= {c[0] for c in CASES if c[2]}


def test_every_rule_cites_its_source():
    for r in _rules_here():
        assert len(r.source) > 40, r.code
        if r.local:
            # Local practice is said to be so, and is configurable.
            assert r.source.startswith("Local practice"), r.code
            assert r.allows_local_setting
        else:
            assert "Working Together" in r.source, r.code
            assert r.source_url.startswith("https://www.gov.uk/"), r.code


def test_explanations():
    ts = Timescales(calendar=PLAIN, local_values=())
    icpc = ts.due_date("cp.icpc", D(2026, 12, 18))
    assert icpc.offset_text == (
        "15 working days after the strategy discussion (the last one, if more than one was held)"
    )
    assert icpc.title == "Initial child protection conference"
    assert not icpc.local
    assert icpc.rule.produces.due_date == "icpc_due_on"
    assert icpc.rule.produces.task and icpc.rule.produces.task.role == "reviewing_officer"
    assert "Working Together to Safeguard Children 2023" in icpc.summary
    report = ts.due_date("cp.report.icpc", D(2027, 1, 6))
    assert report.offset_text.startswith("3 working days before the date set")
    assert report.local
    assert report.local_reason.startswith("Hearth's default")
    review = ts.next_due("cp.review", D(2026, 9, 1))
    assert review.offset_text == (
        "6 months after the last child protection review conference; "
        "if that is not a working day, the working day before"
    )
    assert review.repeat
    visit = ts.rule("cp.visit", D(2026, 1, 1))
    assert visit.conditions == ("child_seen_alone",)


# Malformed rule files are refused with a message naming the file and the rule.

GOOD = """
[events]
"a.happened" = "a happened"
"""


def _book(tmp_path: Path, text: str) -> RuleBook:
    (tmp_path / "set.toml").write_text(GOOD + text)
    return RuleBook.from_dirs(tmp_path)


def _rule(**extra: str) -> str:
    fields = {
        "code": '"x.rule"',
        "title": '"X"',
        "starts_on": '"a.happened"',
        "offset": '{ amount = 5, unit = "working_days" }',
        "source": '"Guidance"',
        **extra,
    }
    return "[[rules]]\n" + "\n".join(f"{k} = {v}" for k, v in fields.items()) + "\n"


def test_a_good_file_loads(tmp_path):
    book = _book(tmp_path, _rule())
    assert book.codes() == ["x.rule"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_rule(starts_on='"b.happened"'), "unknown event"),
        (_rule(offset='{ amount = 5, unit = "fortnights" }'), "bad offset"),
        (_rule(source='""'), "source is required"),
        (_rule(colour='"red"'), "unknown keys"),
        (_rule(code='"Bad Code"'), "lower-case"),
        (_rule(produces='{ task = { role = "wizard", title = "T" } }'), "unknown role"),
        (_rule(repeat='{ amount = 5, unit = "working_days" }'), "repeat needs `after`"),
        (_rule(valid_from="2024-04-01", valid_to="2024-03-01"), "valid_to is before"),
        (_rule(on_non_working_day='"sideways"'), "keep, previous or next"),
        (
            _rule(
                stricter_local_target="true", local_target='{ amount = 6, unit = "working_days" }'
            ),
            "must be stricter",
        ),
        (_rule(local_target='{ amount = 4, unit = "working_days" }'), "needs stricter"),
        (_rule(local="true", stricter_local_target="true"), "a local rule is itself"),
        (_rule(valid_to="2024-03-31") + _rule(valid_from="2024-03-31"), "versions overlap"),
        (_rule() + _rule(valid_from="2024-04-01"), "versions overlap"),
        ("[[rules]\n", "set.toml"),
    ],
)
def test_bad_files_are_refused(tmp_path, text, message):
    with pytest.raises(RuleDataError, match=message):
        _book(tmp_path, text)


def test_adjacent_versions_load(tmp_path):
    book = _book(tmp_path, _rule(valid_to="2024-03-31") + _rule(valid_from="2024-04-01"))
    assert len(book.versions("x.rule")) == 2
