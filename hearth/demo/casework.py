"""Demo data: the case histories that follow referrals (assessments, strategy
discussions, section 47 enquiries, conferences, plans, visits, notes).

Runs after `step_contacts` in the generator's PIPELINE and hangs everything off the CIN
episodes that step opened (`ctx.cin_episodes`), never opening others. Each episode's
history follows the work the family had (`FamilyFact.work`, the child's open
involvement) and the episode's closure reason:

- the year's referrals (issue 4: "about 60% of referrals lead to assessments, a share to
  strategy discussions and section 47 enquiries, about 1 in 10 referrals to a plan"):
  the front door's closed referrals follow their path (`ctx.episode_paths`): closed at
  the referral with no assessment, closed after an assessment, or closed (RC7) after a
  strategy discussion and an enquiry that found no likely significant harm; the rest
  are assessed, most within the 45 working days, some late; an assessment still open
  today is in time or overdue; `generator.step_measures` reports the shares;
- children with the child protection team: a strategy discussion, a section 47 enquiry
  and an initial conference, mostly within 15 working days, that starts a child
  protection plan, open today (months to years long) with core groups, review
  conferences, reports to the chair, plan actions and visits every 10 working days
  (child seen alone, now and then no access, never three in a row); earlier spells of
  child protection work ended their plan at a review conference before the closure;
- children in need: a child in need plan with reviews every 6 weeks and monthly visits
  (open work referred more than 4 months ago: plans running months to years); most
  recent open assessments need no plan, and their closure, asked for by the worker,
  waits for a manager's sign-off;
- children in care: their assessment, for some an earlier child protection plan that
  ended, and the social worker's visits over the whole period (reg 28 intervals); the
  care step adds the rest;
- notes: each assessment's visit and a phone call; after each visit, now and then a
  phone call, a meeting or a manager's oversight note (`OTHER_NOTES`): about 11 notes
  per child generated, over a million at 100,000 children.

Every due date is set as the services set it (`HasDueDates.recompute_due_dates` with
the authority's calendar) with one `Task` per due date (`due.task_values`), and every
date respects the services' bad-input rules: nothing before the referral, after the
closure or in the future; the strategy discussion starts the enquiry; a plan starts on
its conference; CIN and CP plans never overlap. Closed episodes carry their signed-off
closure checklist. Rows are queued with `ctx.add`/`ctx.insert` and written in bulk.

Random draws come from a stream of this step's own (seeded from the run's), so later
steps draw the same whatever this one does. Timeliness shares are illustrative.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection

from hearth.accounts.models import Role, ServiceArea, User
from hearth.casework.due import task_values
from hearth.casework.models import (
    Assessment,
    AssessmentOutcome,
    CaseAction,
    CaseNote,
    ChildProtectionPlan,
    ChildSeen,
    CINEpisode,
    CINPlan,
    CINReview,
    Conference,
    ConferenceInvitee,
    ConferenceKind,
    ConferenceReport,
    CoreGroupMeeting,
    EpisodeClosure,
    NoAccessReason,
    NoteKind,
    Section47Enquiry,
    StrategyAttendee,
    StrategyDecision,
    StrategyDiscussion,
    Task,
)
from hearth.core.codelists import codelist
from hearth.demo import data
from hearth.timescales.calendar import WorkingCalendar, add_months, working_calendar
from hearth.timescales.engine import Timescales

if TYPE_CHECKING:
    from hearth.demo.generator import Context

# Shares (illustrative): assessments on time, conferences on time, visits on time,
# visits with no access. Referrals closed without an assessment are the front door's
# (`contacts.CLOSED_PATHS`); an episode closed RC8/RC9 otherwise was assessed (the codes
# say "after assessment").
AFTER_ASSESSMENT = frozenset({"RC8", "RC9"})
ASSESSMENT_ON_TIME = 0.85
ICPC_ON_TIME = 0.8
VISIT_ON_TIME = 0.85
NO_ACCESS = 0.07
# Notes between visits, each after a visit with this chance: a phone call (with the
# family, the school, health), a meeting (with the parents, a professionals' meeting),
# a manager's oversight note.
OTHER_NOTES = (
    (NoteKind.PHONE_CALL, 0.4),
    (NoteKind.MEETING, 0.2),
    (NoteKind.OVERSIGHT, 0.05),
)
# Visits to a child in care: at most 6-weekly in the first year, then at most 3-monthly
# for a placement meant to last (SI 2010/959 reg 28,
# https://www.legislation.gov.uk/uksi/2010/959/regulation/28/made).
# The care step records the statutory visits of the last year; these are the social
# worker's case notes over the whole period.
CARE_VISITS_FIRST_YEAR = (35, 42)
CARE_VISITS_SETTLED = (75, 91)
CIC_EARLIER_PLAN = 0.15
PLAN_AFTER_S47_OPEN = 0.85  # children with the child protection team now
PLAN_AFTER_S47_CLOSED = 0.4  # earlier spells of child protection work
S47_NO_PLAN = 0.1  # assessed children whose enquiry found no likely significant harm
MIN_PLAN_DAYS = 28  # a child protection plan that ended lasted at least this long
ACTION_LATE_DAYS = 60  # a plan's action still not done is at most this late
CLOSING_SHARE = 0.92  # recent open assessments needing no plan: closure when done
RECENT_S47_CIN_PLAN = 0.3  # a recent enquiry that found no significant harm: a CIN plan
# Open assessment-team work referred longer ago than this is a child in need plan
# (generator.CIN_PLAN_FOR), not an assessment waiting to close.
CLOSING_BEFORE_DAYS = 120
ASSESSING_DAYS = 70  # an open assessment-team episode younger than this is still assessed
CATEGORIES = (("NEG", 0.5), ("EMO", 0.3), ("PHY", 0.1), ("SAB", 0.04), ("MUL", 0.06))
AGENCIES = (
    ("police", "Detective Constable"),
    ("health", "Named nurse"),
    ("education", "Designated safeguarding lead"),
)
CHILD_WORDS = (
    "I like it when Nana picks me up from school.",
    "Mum shouts when she is sad. I hide in my room.",
    "I want my dad to come to my birthday.",
    "School is ok. I have a best friend called Sam.",
    "I don't like it when the man comes round.",
    "I'm hungry in the mornings sometimes.",
    "I feel safe at home now.",
)
VISIT_TEXT = "Home visit: saw the child's room, talked with the child and their carer."
NOTE_TEXT = {
    NoteKind.PHONE_CALL: "Phone call with the school about attendance and how the child is.",
    NoteKind.MEETING: "Meeting with the parent about the plan and what happens next.",
    NoteKind.OVERSIGHT: "Management oversight: plan reviewed in supervision; actions agreed.",
}


class _IndexedCalendar(WorkingCalendar):
    """The authority's calendar, with working days counted by looking them up in a table
    of the years the histories span rather than by walking day by day (the same
    answers, for the hundreds of thousands of dates a large authority needs)."""

    def __init__(self, base: WorkingCalendar, first: dt.date, last: dt.date) -> None:
        super().__init__(base.closures, day_start=base.day_start, day_end=base.day_end, tz=base.tz)
        self._first, self._last = first.toordinal(), last.toordinal()
        self._days = [
            o
            for o in range(self._first, self._last + 1)
            if base.is_working_day(dt.date.fromordinal(o))
        ]
        self._working = frozenset(self._days)

    def is_working_day(self, day: dt.date) -> bool:
        o = day.toordinal()
        if self._first <= o <= self._last:
            return o in self._working
        return super().is_working_day(day)

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        o = start.toordinal()
        if days and self._first <= o <= self._last:
            # Day 0 is `start`: the n-th working day strictly after (or before) it.
            if days > 0:
                i = bisect_right(self._days, o) + days - 1
            else:
                i = bisect_left(self._days, o) + days
            if 0 <= i < len(self._days):
                return dt.date.fromordinal(self._days[i])
        return super().add_working_days(start, days)


class _Row:
    """A row being generated: its field values as attributes (the model's defaults for
    the rest), so that the model's own `due_specs`, `recompute_due_dates` and properties
    run over it as over an instance, without the cost of building one. A value that is
    another `_Row` also sets the foreign key (`episode=` sets `episode_id`)."""

    _defaults: dict[type[Any], tuple[dict[str, Any], frozenset[str]]] = {}

    def __init__(self, model: type[Any], **values: Any) -> None:
        if model not in self._defaults:
            fields = model._meta.concrete_fields
            self._defaults[model] = (
                {f.attname: f.get_default() for f in fields},
                frozenset(f.attname for f in fields),
            )
        defaults, _ = self._defaults[model]
        self.__dict__.update(defaults)
        if "pk" in values:
            values[model._meta.pk.attname] = values.pop("pk")
        self.__dict__.update(values)
        for name, value in values.items():
            if isinstance(value, _Row):
                self.__dict__[f"{name}_id"] = value.pk
        self.__dict__["_model"] = model
        self.__dict__["_meta"] = model._meta

    @property
    def pk(self) -> Any:
        return self.__dict__.get(self._meta.pk.attname)

    @pk.setter
    def pk(self, value: Any) -> None:
        self.__dict__[self._meta.pk.attname] = value

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "pk":
            name = self._meta.pk.attname
        self.__dict__[name] = value

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._model, name)  # a property or method of the model
        if isinstance(found, property) and found.fget is not None:
            return found.fget(self)
        if callable(found):
            return found.__get__(self)
        raise AttributeError(name)

    def values(self) -> dict[str, Any]:
        names = self._defaults[self._model][1]
        return {k: v for k, v in self.__dict__.items() if k in names}


class _Ep:
    """One episode from the front door's step, with the work that followed it."""

    __slots__ = ("area", "child", "closure", "pk", "reason", "referral", "team", "worker")

    def __init__(self, row: tuple[Any, ...]) -> None:
        self.pk, self.child, self.referral, self.closure, self.reason = row
        self.area: str = ServiceArea.ASSESSMENT
        self.worker: int | None = None
        self.team: int | None = None


class _Histories:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng = random.Random(ctx.rng.getrandbits(64))
        span = (ctx.today - dt.timedelta(days=25 * 366), ctx.today + dt.timedelta(days=3 * 366))
        self.cal = _IndexedCalendar(working_calendar(), *span)
        self.ts = Timescales(calendar=self.cal)
        self.tz = self.cal.tz
        self.today = ctx.today
        self.now = ctx.now
        self.latest = ctx.now - dt.timedelta(minutes=5)  # nothing recorded in the future
        self.managers = {t.pk: t.manager for teams in ctx.teams.values() for t in teams}
        self.chairs = list(
            User.objects.filter(role=Role.REVIEWING_OFFICER, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self.assessment_workers = ctx.area_workers.get(ServiceArea.ASSESSMENT, [])
        factors = codelist("assessment_factor")
        early, late = dt.date(2019, 1, 1), self.today
        self.factors = [
            code
            for code, _ in factors.all_choices()
            if code != "21" and factors.is_valid(code, early) and factors.is_valid(code, late)
        ]
        self.plans_before: dict[int, int] = defaultdict(int)  # child: CP plans so far
        self.misses: dict[int, int] = {}  # child: no-access visits at the end of the last
        surnames = [s for h in data.HERITAGES for s in h.surnames[:20]]
        given = [g for h in data.HERITAGES for g in (*h.female[:10], *h.male[:10])]
        self.names = [f"{self.rng.choice(given)} {self.rng.choice(surnames)}" for _ in range(300)]
        self.counts: dict[str, int] = defaultdict(int)
        # (decided on, held on, due on, episode) for each strategy discussion decided on
        self.strategy_due: list[tuple[dt.date, dt.date, dt.date | None, int]] = []

    # Dates --------------------------------------------------------------------------------
    def wd(self, day: dt.date, n: int) -> dt.date:
        return self.cal.add_working_days(day, n)

    def moment(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        hour = hour if hour is not None else self.rng.randint(9, 16)
        value = dt.datetime.combine(day, dt.time(hour, self.rng.choice((0, 15, 30, 45))), self.tz)
        return min(value, self.latest)

    # Rows ---------------------------------------------------------------------------------
    def add(self, obj: _Row) -> _Row:
        if obj.pk is None:
            obj.pk = self.ctx.pk(obj._model)
        self.ctx.insert(obj._model, **obj.values())
        self.counts[obj._model.__name__] += 1
        return obj

    def insert(self, model: type[Any], **values: Any) -> int:
        pk = self.ctx.pk(model)
        self.ctx.insert(model, pk=pk, **values)
        self.counts[model.__name__] += 1
        return pk

    def with_due(self, obj: _Row) -> _Row:
        """Queue a row with its due dates set and a task per due date, as the services
        keep them."""
        if obj.pk is None:
            obj.pk = self.ctx.pk(obj._model)
        obj.recompute_due_dates(self.ts)
        self.add(obj)
        self.tasks(obj)
        return obj

    def tasks(self, obj: _Row) -> None:
        for key, values in task_values(obj, self.ts, self.now):
            if values is not None:
                self.insert(Task, **key, **values)

    def update_episodes(self) -> None:
        """The strategy discussions' due dates on the episodes the front door's step
        wrote."""
        if not self.strategy_due:
            return
        self.ctx.flush()
        table = connection.ops.quote_name(CINEpisode._meta.db_table)
        adapt = connection.ops.adapt_datefield_value
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET strategy_needed_on = %s, strategy_held_on = %s, "  # noqa: S608 - names from the model
                "strategy_discussion_due_on = %s WHERE id = %s",
                [(adapt(a), adapt(b), adapt(c), pk) for a, b, c, pk in self.strategy_due],
            )

    # Episodes -----------------------------------------------------------------------------
    def episodes(self) -> list[_Ep]:
        ids = [pk for pks in self.ctx.cin_episodes.values() for pk in pks]
        if not ids:
            return []
        rows = (
            CINEpisode.objects.filter(pk__gte=min(ids), pk__lte=max(ids))
            .order_by("pk")
            .values_list("pk", "person_id", "referral_date", "closure_date", "closure_reason")
        )
        found = [_Ep(r) for r in rows]
        # Each spell of work: its area and worker, by child and end.
        spells: dict[tuple[int, int | None], Any] = {}
        for family in self.ctx.families:
            for spell in family.work:
                for child in spell.children:
                    spells[(child, spell.end)] = spell
        for ep in found:
            closure = ep.closure.toordinal() if ep.closure else None
            found_spell = spells.get((ep.child, closure))
            if found_spell is not None:
                spell = found_spell
                ep.area, ep.worker, ep.team = spell.area, spell.worker_id, spell.team_id
            elif self.assessment_workers:
                w = self.rng.choice(self.assessment_workers)
                ep.worker, ep.team = w.pk, w.team.pk
        return found

    def run(self) -> None:
        for ep in self.episodes():
            self.history(ep)
        self.update_episodes()
        s, n = self.ctx.summary, self.counts
        s.assessments = n["Assessment"]
        s.strategy_discussions = n["StrategyDiscussion"]
        s.child_protection_plans = n["ChildProtectionPlan"]
        s.cin_plans = n["CINPlan"]
        s.case_notes = n["CaseNote"]

    def history(self, ep: _Ep) -> None:
        rng = self.rng
        end = ep.closure or self.today
        episode = _Row(CINEpisode, pk=ep.pk, person_id=ep.child, referral_date=ep.referral)
        if ep.closure is not None:
            self.closure(ep)
        path = self.ctx.episode_paths.get(ep.pk)
        if path == "nfa":
            return  # closed at the referral: no further action, or early help
        open_ = ep.closure is None
        if path == "s47":
            # A strategy discussion and an enquiry that found no likely significant
            # harm; closed with no plan.
            self.protection(ep, episode, end, ongoing=False, plan=False, cin_plan=False)
            return
        in_care = ep.area in (ServiceArea.CHILDREN_IN_CARE, ServiceArea.LEAVING_CARE)
        if ep.area == ServiceArea.CHILD_PROTECTION:
            wanted = rng.random() < (PLAN_AFTER_S47_OPEN if open_ else PLAN_AFTER_S47_CLOSED)
            self.protection(ep, episode, end, ongoing=open_, plan=wanted)
            return
        if in_care and rng.random() < CIC_EARLIER_PLAN:
            self.protection(ep, episode, end, ongoing=False, plan=True)
            return
        age = (self.today - ep.referral).days
        # Open work referred recently: an assessment under way or just done, most
        # needing no plan; work referred longer ago is a child in need plan.
        recent = open_ and not in_care and age <= CLOSING_BEFORE_DAYS
        if not in_care and ep.reason not in AFTER_ASSESSMENT and rng.random() < S47_NO_PLAN:
            plan_after = not recent or rng.random() < RECENT_S47_CIN_PLAN
            self.protection(ep, episode, end, ongoing=open_, plan=False, cin_plan=plan_after)
            return
        assessing = open_ and age < ASSESSING_DAYS
        outcome = AssessmentOutcome.CIN_PLAN
        if ep.reason == "RC8":
            outcome = AssessmentOutcome.NFA
        elif ep.reason == "RC9":
            outcome = AssessmentOutcome.EARLY_HELP
        elif ep.area in (ServiceArea.CHILDREN_IN_CARE, ServiceArea.LEAVING_CARE):
            outcome = AssessmentOutcome.CIN_PLAN
        if recent and rng.random() < CLOSING_SHARE:
            # No plan needed: once the assessment is done the worker asks to close the
            # episode, and it waits for a manager's sign-off.
            outcome = _pick(
                rng, ((AssessmentOutcome.NFA, 0.5), (AssessmentOutcome.EARLY_HELP, 0.5))
            )
            authorised = self.assessment(ep, episode, end, outcome, finish=not assessing)
            if authorised is not None:
                self.closure_requested(ep, authorised, outcome)
            return
        authorised = self.assessment(ep, episode, end, outcome, finish=not assessing)
        if authorised is None or outcome != AssessmentOutcome.CIN_PLAN:
            return
        if ep.area in (ServiceArea.CHILDREN_IN_CARE, ServiceArea.LEAVING_CARE):
            self.visits(
                ep, authorised, end, every=CARE_VISITS_FIRST_YEAR, settled=CARE_VISITS_SETTLED
            )
            return
        start = min(self.wd(authorised, rng.randint(0, 5)), end)
        self.cin_plan(ep, episode, start, None if open_ else end)

    # Closure ------------------------------------------------------------------------------
    def closure(self, ep: _Ep) -> None:
        assert ep.closure is not None
        manager = self.managers.get(ep.team or 0) or None
        self.insert(
            EpisodeClosure,
            episode_id=ep.pk,
            closure_date=ep.closure,
            closure_reason=ep.reason,
            child_seen=True,
            child_views_recorded=True,
            plan_ended=True,
            family_told=True,
            agencies_told=True,
            requested_by_id=ep.worker,
            requested_at=self.moment(ep.closure, 10),
            signed_off_by_id=manager,
            signed_off_at=self.moment(ep.closure, 15),
        )

    def closure_requested(self, ep: _Ep, authorised: dt.date, outcome: str) -> None:
        day = min(self.wd(authorised, self.rng.randint(1, 5)), self.today)
        self.insert(
            EpisodeClosure,
            episode_id=ep.pk,
            closure_date=day,
            closure_reason="RC8" if outcome == AssessmentOutcome.NFA else "RC9",
            child_seen=True,
            child_views_recorded=True,
            plan_ended=True,
            family_told=True,
            agencies_told=self.rng.random() < 0.8,
            note="Assessment complete; no plan needed.",
            requested_by_id=ep.worker,
            requested_at=self.moment(day, 11),
        )

    # Assessment ---------------------------------------------------------------------------
    def assessment(
        self, ep: _Ep, episode: _Row, end: dt.date, outcome: str, *, finish: bool
    ) -> dt.date | None:
        """The assessment; returns the day it was authorised (None while it is open)."""
        rng = self.rng
        started = min(self.wd(ep.referral, rng.randint(0, 3)), end)
        authorised: dt.date | None
        if rng.random() < ASSESSMENT_ON_TIME:
            authorised = self.wd(ep.referral, rng.randint(12, 44))
        else:
            authorised = self.wd(ep.referral, rng.randint(46, 75))
        authorised = max(started, min(authorised, end))
        if not finish and authorised >= self.today:
            authorised = None  # still being written
        elif not finish and rng.random() < 0.4:
            authorised = None
        seen = min(self.wd(started, rng.randint(1, 8)), end)
        done = authorised is not None
        factors = (
            ["21"]
            if outcome == AssessmentOutcome.NFA and rng.random() < 0.5
            else rng.sample(self.factors, rng.randint(1, 3))
        )
        manager = self.managers.get(ep.team or 0) or None
        row = self.with_due(
            _Row(
                Assessment,
                episode=episode,
                person_id=ep.child,
                started_on=started,
                child_voice=rng.choice(CHILD_WORDS),
                family_views="The family want support and agree with the plan." if done else "",
                professional_views="School and health visitor share the worries." if done else "",
                analysis="Needs and risks weighed with the family; see the outcome."
                if done
                else "",
                factors=factors if done else [],
                outcome=outcome if done else "",
                authorised_on=authorised,
                authorised_by_id=manager if done else None,
                created_at=self.moment(started),
                created_by_id=ep.worker,
                updated_at=self.moment(authorised or seen),
                updated_by_id=ep.worker,
            )
        )
        if seen <= self.today:
            alone = rng.random() < 0.7
            self.insert(
                ChildSeen,
                assessment_id=row.pk,
                seen_on=seen,
                alone=alone,
                recorded_by_id=ep.worker,
                recorded_at=self.moment(seen),
            )
            # The assessment's own notes: the visit the child was seen on, and a call
            # to the school or health visitor.
            when = self.moment(seen)
            self.insert(
                CaseNote,
                person_id=ep.child,
                episode_id=ep.pk,
                kind=NoteKind.HOME_VISIT,
                occurred_at=when,
                author_id=ep.worker,
                present=[],
                child_seen=True,
                seen_alone=alone,
                child_words=row.child_voice if alone else "",
                text="Assessment visit: " + VISIT_TEXT.split(": ", 1)[1],
                created_at=when,
            )
            call = min(self.wd(started, rng.randint(1, 6)), end, self.today)
            at = self.moment(call)
            self.insert(
                CaseNote,
                person_id=ep.child,
                episode_id=ep.pk,
                kind=NoteKind.PHONE_CALL,
                occurred_at=at,
                author_id=ep.worker,
                present=[],
                text=NOTE_TEXT[NoteKind.PHONE_CALL],
                created_at=at,
            )
        return authorised

    # Child protection ---------------------------------------------------------------------
    def protection(
        self,
        ep: _Ep,
        episode: _Row,
        end: dt.date,
        *,
        ongoing: bool,
        plan: bool,
        cin_plan: bool = True,
    ) -> None:
        """Strategy discussion and section 47 enquiry; with `plan`, the initial
        conference that starts a child protection plan, otherwise concerns not
        substantiated and (with `cin_plan`) a child in need plan."""
        rng = self.rng
        held = min(self.wd(ep.referral, rng.choice((0, 0, 1, 2, 5))), end)
        recent = held >= self.today - dt.timedelta(days=ASSESSING_DAYS)
        self.assessment(
            ep, episode, end, AssessmentOutcome.STRATEGY, finish=not (ongoing and recent)
        )
        discussion = self.strategy(ep, held)
        # The front door decided on the discussion at the referral: its due date and
        # task, met by this discussion (the episode row itself is updated at the end).
        episode.strategy_needed_on, episode.strategy_held_on = ep.referral, held
        episode.recompute_due_dates(self.ts)
        self.strategy_due.append((ep.referral, held, episode.strategy_discussion_due_on, ep.pk))
        self.tasks(episode)
        enquiry = _Row(
            Section47Enquiry,
            episode=episode,
            person_id=ep.child,
            strategy_discussion_id=discussion,
            started_on=held,
            last_strategy_on=held,
            created_at=self.moment(held),
            created_by_id=ep.worker,
        )
        if not plan:
            self.no_conference(ep, episode, enquiry, end, ongoing=ongoing, cin_plan=cin_plan)
            return
        if rng.random() < ICPC_ON_TIME:
            icpc = self.wd(held, rng.randint(7, 15))
        else:
            icpc = self.wd(held, rng.randint(16, 28))
        if not ongoing and (end - icpc).days < MIN_PLAN_DAYS:
            # Work that ended too soon after the conference would have been due for a
            # plan to run (a plan lasts at least a day, CIN rule 8840; here at least a
            # few weeks): the enquiry found no likely significant harm instead.
            self.no_conference(ep, episode, enquiry, end, ongoing=False, cin_plan=False)
            return
        chair = rng.choice(self.chairs) if self.chairs else None
        completed = min(self.wd(held, rng.randint(4, 10)), icpc, end)
        if completed < self.today:
            enquiry.completed_on = completed
            enquiry.concerns_substantiated = True
            enquiry.likely_significant_harm = True
            enquiry.icpc_required = True
        if icpc < self.today:
            enquiry.icpc_held_on = icpc
        self.with_due(enquiry)
        conference = _Row(
            Conference,
            episode=episode,
            person_id=ep.child,
            kind=ConferenceKind.INITIAL,
            section47=enquiry,
            scheduled_on=icpc,
            chair_id=chair,
            created_at=self.moment(held),
            created_by_id=ep.worker,
        )
        if icpc >= self.today:
            self.add(conference)  # scheduled: the plan, if any, is for the conference
            self.conference_people(ep, conference, received=False)
            return
        category = _pick(rng, CATEGORIES)
        plan_end: dt.date | None = None
        if not ongoing:
            plan_end = end
        cpp = _Row(
            ChildProtectionPlan,
            person_id=ep.child,
            episode=episode,
            start_date=icpc,
            initial_category=category,
            latest_category=category,
            previous_plans=self.plans_before[ep.child],
            created_at=self.moment(icpc),
        )
        self.plans_before[ep.child] += 1
        cpp.pk = self.ctx.pk(ChildProtectionPlan)
        conference.held_on = icpc
        conference.plan_decided = True
        conference.category = category
        conference.plan_id = cpp.pk
        conference.decision_note = "Likely to suffer significant harm: a child protection plan."
        self.add(conference)
        self.conference_people(ep, conference, received=True)
        self.plan_life(ep, episode, cpp, chair, plan_end)

    def no_conference(
        self,
        ep: _Ep,
        episode: _Row,
        enquiry: _Row,
        end: dt.date,
        *,
        ongoing: bool,
        cin_plan: bool = True,
    ) -> None:
        """The enquiry found no likelihood of significant harm: no conference (CIN
        ICPCnotRequired); a child in need plan instead, with `cin_plan`."""
        rng = self.rng
        completed = min(self.wd(enquiry.started_on, rng.randint(4, 10)), end)
        if completed >= self.today:
            self.with_due(enquiry)  # still going: the conference clock runs
            return
        enquiry.completed_on = completed
        enquiry.concerns_substantiated = rng.random() < 0.4
        enquiry.likely_significant_harm = False
        enquiry.icpc_required = False
        self.with_due(enquiry)
        start = min(self.wd(completed, rng.randint(1, 5)), end)
        if cin_plan and start < self.today:
            self.cin_plan(ep, episode, start, None if ongoing else end)

    def strategy(self, ep: _Ep, held: dt.date) -> int:
        rng = self.rng
        pk = self.insert(
            StrategyDiscussion,
            episode_id=ep.pk,
            person_id=ep.child,
            held_at=self.moment(held),
            decision=StrategyDecision.S47_JOINT
            if rng.random() < 0.5
            else StrategyDecision.S47_SINGLE,
            cp_medical=rng.random() < 0.2,
            summary="Reasonable cause to suspect significant harm: a section 47 enquiry.",
            created_at=self.moment(held),
            created_by_id=ep.worker,
        )
        self.insert(
            StrategyAttendee,
            discussion_id=pk,
            name="Allocated social worker",
            agency="social_care",
            role="Social worker",
            information_shared="The referral and what the family said.",
        )
        for agency, role in AGENCIES:
            self.insert(
                StrategyAttendee,
                discussion_id=pk,
                name=rng.choice(self.names),
                agency=agency,
                role=role,
                information_shared="What the agency knows of the family.",
            )
        self.insert(
            CaseAction,
            person_id=ep.child,
            strategy_discussion_id=pk,
            description="See the child and siblings",
            owner="Social worker (children's social care)",
            due_on=self.wd(held, 1),
            done_on=min(self.wd(held, 1), self.today),
        )
        return pk

    def conference_people(self, ep: _Ep, conference: _Row, *, received: bool) -> None:
        rng = self.rng
        for agency, _role in AGENCIES:
            self.insert(
                ConferenceInvitee,
                conference_id=conference.pk,
                name=rng.choice(self.names),
                agency=agency,
                attendance="attended"
                if received and rng.random() < 0.85
                else ("apologies" if received else "invited"),
            )
        report = _Row(
            ConferenceReport,
            conference=conference,
            person_id=ep.child,
            author="Allocated social worker",
            agency="social_care",
        )
        report.recompute_due_dates(self.ts)
        if received and report.report_due_on:
            late = rng.random() < 0.15
            report.received_on = self.wd(
                report.report_due_on, rng.randint(1, 2) if late else -rng.randint(0, 2)
            )
            report.received_on = min(report.received_on, conference.held_on or report.received_on)
        self.with_due(report)

    def plan_life(
        self,
        ep: _Ep,
        episode: _Row,
        plan: _Row,
        chair: int | None,
        plan_end: dt.date | None,
    ) -> None:
        """Core groups, reviews, visits and actions over the plan's life. A plan that
        ends does so at a review conference deciding it is no longer needed (on or
        before the episode's closure)."""
        rng = self.rng
        start = plan.start_date
        stop = plan_end or self.today
        if plan_end is not None:
            # Months to years: the last review (which ends the plan) before the closure.
            length = rng.choice((90, 180, 270, 365, 540, 730))
            stop = min(plan_end, start + dt.timedelta(days=length))
            # `protection` leaves at least MIN_PLAN_DAYS before the closure: a plan
            # never starts and ends on the same day (CIN rule 8840).
            assert stop > start, (start, plan_end)
        # Review conferences: the first within 3 months, then at most every 6.
        reviews: list[dt.date] = []
        due = add_months(start, 3)
        while True:
            day = (
                due - dt.timedelta(days=rng.randint(0, 20))
                if rng.random() < 0.9
                else due + dt.timedelta(days=rng.randint(1, 14))
            )
            day = self.cal.previous_working_day(day) if not self.cal.is_working_day(day) else day
            if day >= stop or day >= self.today:
                break
            reviews.append(day)
            due = add_months(day, 6)
        ended = plan_end is not None
        if ended:
            # The plan ends at the last review, or, with none, on the day work stopped.
            final = reviews[-1] if reviews else stop
            plan.end_date = final
            stop = final
        for i, day in enumerate(reviews):
            last = ended and i == len(reviews) - 1
            review = self.add(
                _Row(
                    Conference,
                    episode=episode,
                    person_id=ep.child,
                    kind=ConferenceKind.REVIEW,
                    plan_id=plan.pk,
                    scheduled_on=day,
                    chair_id=chair,
                    held_on=day,
                    plan_decided=not last,
                    category="" if last else plan.latest_category,
                    decision_note="The plan is no longer needed."
                    if last
                    else "The plan continues.",
                    created_at=self.moment(day),
                    created_by_id=ep.worker,
                )
            )
            self.conference_people(ep, review, received=True)
        if not ended:
            # The next review, scheduled.
            nxt = add_months(reviews[-1] if reviews else start, 6 if reviews else 3)
            nxt = self.cal.previous_working_day(nxt) if not self.cal.is_working_day(nxt) else nxt
            if nxt > self.today and rng.random() < 0.6:
                upcoming = self.add(
                    _Row(
                        Conference,
                        episode=episode,
                        person_id=ep.child,
                        kind=ConferenceKind.REVIEW,
                        plan_id=plan.pk,
                        scheduled_on=nxt,
                        chair_id=chair,
                        created_at=self.now,
                        created_by_id=ep.worker,
                    )
                )
                self.conference_people(ep, upcoming, received=False)
        plan.last_review_on = reviews[-1] if reviews and not ended else None
        # Core groups: the first within 10 working days (mostly), then every 4-8 weeks.
        first = self.wd(start, rng.randint(5, 10) if rng.random() < 0.9 else rng.randint(11, 18))
        day = first
        while day <= stop and day < self.today:
            self.insert(
                CoreGroupMeeting,
                plan_id=plan.pk,
                held_on=day,
                notes="Plan reviewed with the family and agencies.",
                recorded_by_id=ep.worker,
                recorded_at=self.moment(day),
            )
            if plan.first_core_group_on is None:
                plan.first_core_group_on = day
            day = self.wd(day, rng.randint(20, 40))
        # Actions agreed in the plan.
        for text, days in (
            ("Attend the parenting programme", 40),
            ("Register with a GP and dentist", 20),
        ):
            due_on = self.wd(start, days)
            self.insert(
                CaseAction,
                person_id=ep.child,
                cp_plan_id=plan.pk,
                description=text,
                owner="Parent, with the family support worker",
                due_on=due_on,
                done_on=self.action_done(start, due_on, stop),
            )
        plan.last_visit_on = self.visits(ep, start, stop, every=None)
        self.with_due(plan)

    def action_done(self, start: dt.date, due_on: dt.date, stop: dt.date) -> dt.date | None:
        """When a plan's action was done: around its due date, some recent ones not yet;
        one falling after a plan ended is closed with the plan."""
        last = min(stop, self.today)
        if due_on > last:
            return None if stop >= self.today else last
        if (self.today - due_on).days < ACTION_LATE_DAYS and self.rng.random() < 0.3:
            return None  # late, and still to do
        return max(start, min(due_on + dt.timedelta(days=self.rng.randint(-5, 10)), last))

    # Child in need ------------------------------------------------------------------------
    def cin_plan(self, ep: _Ep, episode: _Row, start: dt.date, end: dt.date | None) -> None:
        rng = self.rng
        plan = _Row(
            CINPlan,
            person_id=ep.child,
            episode=episode,
            start_date=start,
            created_at=self.moment(start),
            created_by_id=ep.worker,
        )
        plan.pk = self.ctx.pk(CINPlan)
        stop = end or self.today
        if end is not None:
            stop = max(start, min(end, start + dt.timedelta(days=rng.choice((60, 120, 240, 365)))))
            plan.end_date = stop
        day = start + dt.timedelta(weeks=6)
        while day < stop and day < self.today:
            held = (
                day - dt.timedelta(days=rng.randint(0, 7))
                if rng.random() < 0.85
                else day + dt.timedelta(days=rng.randint(1, 10))
            )
            if held >= stop or held >= self.today:
                break
            self.insert(
                CINReview,
                plan_id=plan.pk,
                held_on=held,
                notes="Plan reviewed with the family.",
                recorded_by_id=ep.worker,
                recorded_at=self.moment(held),
            )
            plan.last_review_on = held
            day = held + dt.timedelta(weeks=6)
        self.insert(
            CaseAction,
            person_id=ep.child,
            cin_plan_id=plan.pk,
            description="Arrange a place at the holiday club",
            owner="Family support worker",
            due_on=self.wd(start, 15),
            done_on=self.action_done(start, self.wd(start, 15), stop),
        )
        self.visits(ep, start, stop, every=(20, 35))
        self.with_due(plan)

    # Visits and notes ---------------------------------------------------------------------
    def visits(
        self,
        ep: _Ep,
        start: dt.date,
        stop: dt.date,
        *,
        every: tuple[int, int] | None,
        settled: tuple[int, int] | None = None,
    ) -> dt.date | None:
        """Visits from `start` to `stop` (every 10 working days on a child protection
        plan, mostly on time; otherwise every `every` days, or `settled` days after the
        first year) with the odd no-access visit (never three in a row) and other notes
        between. Returns the last day the child was seen alone."""
        rng = self.rng
        year_on = start + dt.timedelta(days=365)
        last_alone: dt.date | None = None
        # No-access visits in a row so far, carried from the child's earlier episode.
        misses = self.misses.get(ep.child, 0)
        day = start
        while True:
            if every is None:
                gap = rng.randint(6, 10) if rng.random() < VISIT_ON_TIME else rng.randint(11, 16)
                day = self.wd(day, gap)
            else:
                gaps = settled if settled is not None and day >= year_on else every
                day = day + dt.timedelta(days=rng.randint(*gaps))
            if day > stop or day >= self.today:
                break
            no_access = misses < 2 and rng.random() < NO_ACCESS
            misses = misses + 1 if no_access else 0
            seen = not no_access
            alone = seen and rng.random() < 0.85
            when = self.moment(day)
            self.insert(
                CaseNote,
                person_id=ep.child,
                episode_id=ep.pk,
                kind=NoteKind.HOME_VISIT if rng.random() < 0.75 else NoteKind.SCHOOL_VISIT,
                occurred_at=when,
                author_id=ep.worker,
                present=[],
                no_access=no_access,
                no_access_reason=(
                    NoAccessReason.NO_ANSWER if rng.random() < 0.7 else NoAccessReason.REFUSED
                )
                if no_access
                else "",
                child_seen=seen,
                seen_alone=alone,
                child_words=rng.choice(CHILD_WORDS) if alone else "",
                text="Nobody answered the door; a card was left." if no_access else VISIT_TEXT,
                significant=no_access and misses == 2,
                created_at=when,
            )
            if alone:
                last_alone = day
            # Between visits: phone calls and meetings, now and then oversight.
            for kind, chance in OTHER_NOTES:
                if rng.random() >= chance:
                    continue
                other = day + dt.timedelta(days=rng.randint(1, 9))
                if other < self.today and other <= stop:
                    at = self.moment(other)
                    self.insert(
                        CaseNote,
                        person_id=ep.child,
                        episode_id=ep.pk,
                        kind=kind,
                        occurred_at=at,
                        author_id=ep.worker,
                        present=[],
                        text=NOTE_TEXT[kind],
                        created_at=at,
                    )
        self.misses[ep.child] = misses
        return last_alone


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def step_casework(ctx: Context) -> None:
    """The histories of the episodes the front door's step opened."""
    if not ctx.cin_episodes:
        return
    ctx.say("  case histories")
    _Histories(ctx).run()
