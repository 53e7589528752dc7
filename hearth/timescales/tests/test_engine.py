"""The engine: rule versions, local targets, working hours, applying due dates to a row,
and how a due date stands today. Expected dates counted by hand (see test_calendar.py)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from hearth.timescales import engine
from hearth.timescales.calendar import WorkingCalendar
from hearth.timescales.engine import LocalValue, Timescales
from hearth.timescales.models import LocalTarget
from hearth.timescales.rules import NoRuleError, Offset, Unit

from .conftest import CLOSURES_2026

D = dt.date
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def ts(fixture_book, cal) -> Timescales:
    return Timescales(book=fixture_book, calendar=cal, local_values=())


class TestRuleVersions:
    def test_the_version_valid_on_the_day_applies(self, ts):
        assert ts.rule("test.versioned", D(2024, 3, 31)).offset.amount == 20
        assert ts.rule("test.versioned", D(2024, 4, 1)).offset.amount == 15
        with pytest.raises(NoRuleError, match="valid on 2019-12-31"):
            ts.rule("test.versioned", D(2019, 12, 31))
        with pytest.raises(NoRuleError):
            ts.rule("test.nothing", D(2024, 4, 1))

    def test_the_starting_events_date_chooses_the_version(self, ts):
        # Thu 28 Mar 2024 (old rule, 20 working days) over Easter 2024 (Fri 29 Mar,
        # Mon 1 Apr): 2-5 Apr (4), 8-12 (9), 15-19 (14), 22-26 (19), Mon 29 Apr (20).
        before = ts.due_date("test.versioned", D(2024, 3, 28))
        assert before.date == D(2024, 4, 29)
        assert before.source == "Test guidance 2020, paragraph 1"
        # Tue 2 Apr 2024 (new rule, 15): 3-5 Apr (3), 8-12 (8), 15-19 (13), 22, 23.
        after = ts.due_date("test.versioned", D(2024, 4, 2))
        assert after.date == D(2024, 4, 23)
        assert after.source == "Test guidance 2024, paragraph 1"

    def test_another_date_can_choose_the_version(self, ts):
        # Old event, new rule: 15 working days from Thu 28 Mar 2024 is Mon 22 Apr.
        due = ts.due_date("test.versioned", D(2024, 3, 28), on=D(2024, 4, 1))
        assert due.date == D(2024, 4, 22)


class TestWorkingHoursRule:
    def test_due_at_a_moment(self, ts):
        due = ts.due_date("test.red_contact", dt.datetime(2026, 3, 6, 15, tzinfo=LONDON))
        assert due.at == dt.datetime(2026, 3, 9, 11, tzinfo=LONDON)
        assert due.date == D(2026, 3, 9)
        assert due.value == due.at
        assert due.offset_text == "4 working hours after the contact was received"

    def test_clock_hours_are_elapsed_time(self, ts):
        # Sat 28 Mar 2026 10:00 GMT + 72 hours, over the clocks going forward on Sunday
        # 29 March: Tue 31 March 10:00 UTC, which is 11:00 BST. Weekends count.
        due = ts.due_date("test.return_interview", dt.datetime(2026, 3, 28, 10, tzinfo=LONDON))
        assert due.at == dt.datetime(2026, 3, 31, 11, tzinfo=LONDON)
        assert due.offset_text == "72 hours after the child came back"

    def test_needs_a_time(self, ts):
        with pytest.raises(TypeError, match="time of the event"):
            ts.due_date("test.red_contact", D(2026, 3, 6))


class TestTargets:
    def test_default_local_target_from_the_rule_file(self, ts):
        # Thu 2 Apr 2026: 45 working days is Wed 10 June, 35 is Wed 27 May.
        due = ts.due_date("test.statutory_with_target", D(2026, 4, 2))
        assert due.date == D(2026, 6, 10)
        assert due.target == D(2026, 5, 27)
        assert due.target_text == "35 working days after the thing happened"
        assert due.target_reason.startswith("Hearth's default")

    def test_authoritys_target_replaces_the_default(self, fixture_book, cal):
        local = LocalValue(
            "test.statutory_with_target",
            Offset(30, Unit.WORKING_DAYS),
            None,
            D(2026, 1, 1),
            None,
            "Local standards 2026",
        )
        ts = Timescales(book=fixture_book, calendar=cal, local_values=[local])
        # 30 working days from Thu 2 Apr 2026: May 22 was 33 in the count to 45, so
        # 30 is three working days earlier: Tue 19 May.
        due = ts.due_date("test.statutory_with_target", D(2026, 4, 2))
        assert due.target == D(2026, 5, 19)
        assert due.target_reason == "Local standards 2026"
        # Not valid before 2026: the default applies.
        assert ts.due_date("test.statutory_with_target", D(2025, 12, 1)).target_reason.startswith(
            "Hearth's default"
        )

    def test_a_target_is_never_later_than_the_statutory_date(self, fixture_book, cal):
        lax = LocalValue(
            "test.statutory_with_target",
            Offset(50, Unit.WORKING_DAYS),
            None,
            D(2026, 1, 1),
            None,
            "Misconfigured",
        )
        ts = Timescales(book=fixture_book, calendar=cal, local_values=[lax])
        due = ts.due_date("test.statutory_with_target", D(2026, 4, 2))
        assert due.target == due.date == D(2026, 6, 10)


class TestRepeats:
    def test_roll_forward_to_the_next_working_day(self, ts, fixture_book):
        # Fri 27 Nov 2026 + 1 month = Sun 27 Dec; Mon 28 is a bank holiday: Tue 29.
        assert ts.due_date("test.monthly_next", D(2026, 11, 27)).date == D(2026, 12, 29)
        closed = Timescales(
            book=fixture_book, calendar=WorkingCalendar(CLOSURES_2026), local_values=()
        )
        assert closed.due_date("test.monthly_next", D(2026, 11, 27)).date == D(2027, 1, 4)
        # Last check Sat 30 Jan 2027 + 1 month = Sun 28 Feb (clamped): Mon 1 Mar.
        assert ts.next_due("test.monthly_next", D(2027, 1, 30)).date == D(2027, 3, 1)

    def test_a_rule_that_does_not_repeat(self, ts):
        with pytest.raises(ValueError, match="does not repeat"):
            ts.next_due("test.versioned", D(2024, 4, 2))


class TestApplyDue:
    def test_sets_changed_fields_only(self, ts):
        row = SimpleNamespace(due_on=None, target_on=None)
        changed = ts.apply_due(row, "test.statutory_with_target", D(2026, 4, 2))
        assert changed == ["due_on", "target_on"]
        assert (row.due_on, row.target_on) == (D(2026, 6, 10), D(2026, 5, 27))
        assert ts.apply_due(row, "test.statutory_with_target", D(2026, 4, 2)) == []
        # The fact is removed: the clock has not started, the dates are cleared.
        assert ts.apply_due(row, "test.statutory_with_target", None) == ["due_on", "target_on"]
        assert row.due_on is None

    def test_repeating_rule_counts_from_the_last_occurrence(self, ts):
        row = SimpleNamespace(due_on=None)
        ts.apply_due(row, "test.monthly_next", D(2026, 11, 27))
        assert row.due_on == D(2026, 12, 29)
        ts.apply_due(row, "test.monthly_next", D(2026, 11, 27), last=D(2027, 1, 30))
        assert row.due_on == D(2027, 3, 1)

    def test_working_hours_store_the_moment(self, ts):
        row = SimpleNamespace(screen_by=None)
        ts.apply_due(row, "test.red_contact", dt.datetime(2026, 3, 6, 15, tzinfo=LONDON))
        assert row.screen_by == dt.datetime(2026, 3, 9, 11, tzinfo=LONDON)


class TestStatus:
    # Due Wed 13 Jan 2027.
    DUE = D(2027, 1, 13)

    @pytest.mark.parametrize(
        ("today", "state", "text", "colour"),
        [
            (D(2027, 1, 4), "upcoming", "7 working days left", "grey"),
            (D(2027, 1, 11), "soon", "2 working days left", "yellow"),
            (D(2027, 1, 12), "soon", "1 working day left", "yellow"),
            (D(2027, 1, 13), "today", "Due today", "yellow"),
            (D(2027, 1, 14), "overdue", "Overdue by 1 working day", "red"),
            (D(2027, 1, 18), "overdue", "Overdue by 3 working days", "red"),  # Thu, Fri, Mon
        ],
    )
    def test_open(self, ts, today, state, text, colour):
        status = ts.status(self.DUE, today=today)
        assert (status.state, status.text, status.colour) == (state, text, colour)

    def test_over_christmas(self, ts):
        # Due Thu 24 Dec 2026, seen on Mon 28 (a bank holiday): no working day has
        # passed since, but it is overdue.
        assert ts.status(D(2026, 12, 24), today=D(2026, 12, 28)).text == "Overdue"
        # Due Sun 27 Dec (a calendar-day rule that keeps weekends), seen on Sat 26.
        assert ts.status(D(2026, 12, 27), today=D(2026, 12, 26)).text == (
            "Due before the next working day"
        )

    def test_met(self, ts):
        assert ts.status(self.DUE, met_on=D(2027, 1, 12)).text == "Done in time"
        assert ts.status(self.DUE, met_on=D(2027, 1, 13)).state == "met"
        late = ts.status(self.DUE, met_on=D(2027, 1, 15))
        assert (late.state, late.text, late.colour) == (
            "late",
            "Done 2 working days late",
            "orange",
        )


@pytest.mark.django_db
class TestLocalTargetsInTheDatabase:
    def _target(self, **values) -> LocalTarget:
        values.setdefault("valid_from", D(2026, 1, 1))
        values.setdefault("reason", "Local child protection procedures 2026, 4.3")
        target = LocalTarget(**values)
        target.full_clean()
        target.save()
        return target

    def test_local_rule_takes_the_authoritys_value(self):
        self._target(
            rule_code="cp.visit",
            amount=15,
            unit="working_days",
            repeat_amount=15,
            repeat_unit="working_days",
        )
        # From the last visit on Fri 18 Dec 2026: 15 working days is Wed 13 Jan 2027.
        due = engine.next_due("cp.visit", D(2026, 12, 18))
        assert due.date == D(2027, 1, 13)
        assert due.local_reason == "Local child protection procedures 2026, 4.3"
        assert due.offset_text.startswith("15 working days after the last child protection visit")

    def test_the_value_valid_on_the_event_applies(self):
        self._target(rule_code="cp.visit", amount=5, unit="working_days", valid_from=D(2027, 1, 1))
        # A plan starting in 2026 keeps the default 10: Wed 2 Dec -> Wed 16 Dec.
        assert engine.due_date("cp.visit", D(2026, 12, 2)).date == D(2026, 12, 16)
        # No repeat value set: later visits keep the default too.
        assert engine.next_due("cp.visit", D(2027, 1, 4)).offset.amount == 10
        # From 2027 the first visit is 5 working days: Mon 4 Jan -> Mon 11 Jan.
        assert engine.due_date("cp.visit", D(2027, 1, 4)).date == D(2027, 1, 11)

    def test_stricter_target_beside_a_statutory_rule(self):
        self._target(rule_code="assessment.completion", amount=35, unit="working_days")
        due = engine.due_date("assessment.completion", D(2026, 4, 2))
        assert (due.date, due.target) == (D(2026, 6, 10), D(2026, 5, 27))
        row = SimpleNamespace(assessment_due_on=None, assessment_target_on=None)
        engine.apply_due(row, "assessment.completion", D(2026, 4, 2))
        assert row.assessment_target_on == D(2026, 5, 27)

    @pytest.mark.parametrize(
        ("values", "field", "message"),
        [
            ({"rule_code": "no.such"}, "rule_code", "no timescale rule"),
            ({"amount": 50}, "amount", "stricter than the statutory 45 working days"),
            ({"unit": "weeks", "amount": 6}, "amount", "in the same unit"),
            ({"repeat_amount": 5, "repeat_unit": "working_days"}, "repeat_amount", "not repeat"),
            ({"repeat_amount": 5}, "repeat_unit", "both"),
        ],
    )
    def test_refused(self, values, field, message):
        fields = {"rule_code": "assessment.completion", "amount": 35, "unit": "working_days"}
        with pytest.raises(ValidationError) as error:
            self._target(**(fields | values))
        assert message in " ".join(error.value.message_dict[field])

    def test_statutory_rule_without_a_local_target(self, monkeypatch, fixture_book):
        monkeypatch.setattr(engine, "rulebook", lambda: fixture_book)
        with pytest.raises(ValidationError, match="without a local target"):
            self._target(rule_code="test.versioned", amount=10, unit="working_days")

    def test_stricter_review_interval(self):
        self._target(
            rule_code="cp.review",
            amount=2,
            unit="months",
            repeat_amount=4,
            repeat_unit="months",
            valid_to=D(2029, 12, 31),
        )
        with pytest.raises(ValidationError, match="6 months"):
            self._target(
                rule_code="cp.review",
                amount=2,
                unit="months",
                repeat_amount=7,
                repeat_unit="months",
                valid_from=D(2030, 1, 1),
            )

    def test_periods_for_one_rule_do_not_overlap(self):
        first = self._target(
            rule_code="cp.visit", amount=5, unit="working_days", valid_to=D(2026, 12, 31)
        )
        self._target(rule_code="cp.visit", amount=8, unit="working_days", valid_from=D(2027, 1, 1))
        with pytest.raises(ValidationError, match="covers some of these dates"):
            self._target(
                rule_code="cp.visit", amount=9, unit="working_days", valid_from=D(2026, 6, 1)
            )
        first.amount = 6
        first.full_clean()  # editing a row does not clash with itself
