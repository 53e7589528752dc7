"""A year at the synthetic authority's front door: contacts, the checks made with
partner agencies, the flags raised and the decisions taken.

`step_contacts` runs after `step_families` and builds on what it recorded: each
family's children and carers and its spells of work (`FamilyFact.work`). The volumes
are those the front door issue asks for: about 3 contacts per 100 children per month
over the year before `today`, about a third of them referrals. Every spell of work with
a family began with a referral, so:

- each spell of casework (open now or closed before) has a CIN episode for each child
  in it, with its referral date and source; a spell that began within the year also
  has the contact that led to it, decided as a referral (or an immediate strategy
  discussion) and authorised;
- more referrals closed within the year make up the third (`CLOSED_PATHS`): most at the
  referral (no further action or early help, closed within a working day: the CIN
  census's ReferralNFA), some after an assessment, some after a section 47 enquiry;
- the other contacts were decided as no further action, information and advice or
  early help, many of them about families already known: repeat contacts, and
  contacts about a child whose case is open, passed to the allocated worker;
- the families the front door is screening now (an open involvement with a front-door
  team) have contacts still undecided: new, rated with partners asked (some answered,
  some overdue and chased), or decided and waiting for a manager. Most are within the
  one-working-day clock when the data is generated; some are not.

Later steps (casework, care) hang their records off these episodes
(`ctx.cin_episodes`) rather than open others: the CIN census allows one open episode
per child and no overlaps.

Flags come from the front door's own rules (`hearth.frontdoor.flags`) over the facts
generated so far, so their reasons read as they do in use; flags on decided contacts
were acknowledged by the manager who authorised the decision. Times follow the
authority's working calendar; most decisions are authorised within one working day,
some are late.

All synthetic: referrers' and partner staff's names are drawn like the families',
phone numbers are in Ofcom's drama ranges (01632 960xxx, 07700 900xxx), email addresses
are at example.org. The mix of referral sources is illustrative, ordered as in the
DfE's "Children in need" statistics (police, schools and health services the largest
sources of referrals); the categories of concern are the local list in
hearth/core/codelists/concern_category.toml.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from hearth.accounts.models import Organisation, OrganisationKind, Role, ServiceArea, User
from hearth.casework.models import CINEpisode
from hearth.demo import data
from hearth.frontdoor import clock, flags, letters
from hearth.frontdoor.codes import referrer_kind
from hearth.frontdoor.models import (
    REFERRAL_DECISIONS,
    Consent,
    Contact,
    ContactCategory,
    ContactFlag,
    ContactMethod,
    ContactPerson,
    ContactStatus,
    Decision,
    InformationRequest,
    Rag,
    RequestChase,
    RequestStatus,
    SubjectRole,
)
from hearth.people.models import Involvement, normalise_name
from hearth.timescales.calendar import WorkingCalendar, working_calendar

if TYPE_CHECKING:
    from hearth.demo.generator import ChildFact, Context, WorkFact

CONTACTS_PER_CHILD_PER_MONTH = 0.0325  # about 3 per 100 children a month
REFERRAL_SHARE = 0.36  # about a third
WINDOW_DAYS = 365
# Contacts older than this were all decided: only the families being screened now
# (an open involvement with a front-door team) have undecided ones.
SETTLED_DAYS = 3
CASEWORK_AREAS = frozenset(
    {
        ServiceArea.ASSESSMENT,
        ServiceArea.CHILD_PROTECTION,
        ServiceArea.CHILDREN_IN_CARE,
        ServiceArea.LEAVING_CARE,
    }
)
# A family's share of the contacts that are not referrals: families the authority has
# worked with, and a few others, come back again and again.
KNOWN_WEIGHT, TROUBLED_WEIGHT, TROUBLED_SHARE = 3.0, 5.0, 0.06
BEFORE_REFERRAL_SHARE = 0.5  # contacts about a referred family that came before it
# What became of the referrals within the year about families not otherwise worked with
# (illustrative, for the casework issue's "about 60% of referrals lead to assessments, a
# share to strategy discussions and section 47 enquiries"): closed at the referral (no
# further action, or early help; RC8/RC9 with no assessment), closed after an assessment
# (RC8/RC9), or closed after a section 47 enquiry that found no likely significant harm
# (RC7: the census refuses RC8/RC9 on an episode with an enquiry, rule 2990).
CLOSED_PATHS = (("nfa", 0.66), ("assessed", 0.1), ("s47", 0.24))
CLOSED_SUBSET = 0.2  # a referral about some of a family's children, not all
PARTNER_STAFF_DOMAIN = "partners.hearth.test"
PARTNERS_PER_ORGANISATION = 2

PARTNERS: tuple[tuple[str, str], ...] = (
    (OrganisationKind.POLICE, data.POLICE_NAME),
    (OrganisationKind.HEALTH, "Hearthshire Community Health NHS Trust"),
    (OrganisationKind.EDUCATION, "Hearthshire Schools Safeguarding Service"),
    (OrganisationKind.PROBATION, "Probation Service, Hearthshire"),
    (OrganisationKind.HOUSING, "Hearthshire Homes"),
    (OrganisationKind.ADULT_SERVICES, "Hearthshire Adult Social Care"),
    (OrganisationKind.OTHER_LA, "Emberdale Borough Council Children's Services"),
)
# How often each agency is asked about a contact.
ASKED: dict[str, float] = {
    OrganisationKind.POLICE: 0.85,
    OrganisationKind.HEALTH: 0.75,
    OrganisationKind.EDUCATION: 0.55,
    OrganisationKind.PROBATION: 0.08,
    OrganisationKind.HOUSING: 0.12,
    OrganisationKind.ADULT_SERVICES: 0.08,
    OrganisationKind.OTHER_LA: 0.04,
}
ASKED_BY_RAG = {Rag.RED: 0.95, Rag.AMBER: 0.75, Rag.GREEN: 0.35}
RESPONSES: dict[str, tuple[str, ...]] = {
    OrganisationKind.POLICE: (
        "No trace of the family on police systems.",
        "Two domestic incidents recorded at the address in the last year; no charges.",
        "Mother's former partner has a history of violence; a non-molestation order "
        "ended last month.",
        "One call-out for a noise complaint; no concerns about the children noted.",
    ),
    OrganisationKind.HEALTH: (
        "Registered with the GP; all appointments attended; no concerns recorded.",
        "Two missed health visitor contacts; immunisations incomplete.",
        "Mother is under the perinatal mental health team; engaging well.",
        "Attended A&E twice this year with minor injuries, both explained.",
    ),
    OrganisationKind.EDUCATION: (
        "Attendance 88%; often late and hungry; school has raised hygiene with mother.",
        "Good attendance and no concerns from school.",
        "Attendance 71%; two fixed-term exclusions this year.",
    ),
}
OTHER_RESPONSES = (
    "Not known to our service.",
    "Known: we last worked with the family two years ago; closed with no concerns.",
)


@dataclass(frozen=True)
class Source:
    """Who makes contacts: a referrer kind (referral_source.toml), its share, where
    such referrers work, their roles, and what they tend to be worried about."""

    key: str
    weight: float
    organisation: str  # "" for a private person; "{town}" and "{stem}" are filled in
    roles: tuple[str, ...]
    categories: tuple[tuple[str, float], ...]
    methods: tuple[tuple[str, float], ...] = (
        (ContactMethod.PHONE, 0.45),
        (ContactMethod.EMAIL, 0.35),
        (ContactMethod.ONLINE_FORM, 0.2),
    )

    @property
    def professional(self) -> bool:
        return bool(self.organisation)


_INDIVIDUAL = (
    (ContactMethod.PHONE, 0.8),
    (ContactMethod.IN_PERSON, 0.1),
    (ContactMethod.EMAIL, 0.1),
)
SOURCES: tuple[Source, ...] = (
    Source("police", 28, data.POLICE_NAME,
           ("Police constable", "Detective constable", "Public protection unit"),
           (("domestic_abuse", 45), ("physical_injury", 14), ("missing", 12),
            ("exploitation", 10), ("neglect", 11), ("substance_misuse", 8)),
           ((ContactMethod.EMAIL, 0.7), (ContactMethod.PHONE, 0.3))),
    Source("school", 17, "{stem} Primary School",
           ("Designated safeguarding lead", "Headteacher", "Class teacher"),
           (("neglect", 30), ("physical_injury", 20), ("emotional_harm", 18),
            ("domestic_abuse", 10), ("mental_health", 12), ("sexual_abuse", 5), ("missing", 5))),
    Source("education", 2, "Hearthshire Education Welfare Service", ("Education welfare officer",),
           (("neglect", 50), ("missing", 30), ("emotional_harm", 20))),
    Source("gp", 3, "{town} Medical Centre", ("GP",),
           (("neglect", 35), ("mental_health", 35), ("physical_injury", 30))),
    Source("health_visitor", 4, "Hearthshire Community Health NHS Trust", ("Health visitor",),
           (("neglect", 40), ("physical_injury", 20), ("mental_health", 25),
            ("domestic_abuse", 15))),
    Source("school_nurse", 1, "Hearthshire Community Health NHS Trust", ("School nurse",),
           (("neglect", 50), ("emotional_harm", 30), ("sexual_abuse", 20))),
    Source("midwife", 3, "Hearthbridge General Hospital", ("Community midwife",),
           (("substance_misuse", 30), ("domestic_abuse", 30), ("mental_health", 40))),
    Source("a_and_e", 3, "Hearthbridge General Hospital", ("A&E nurse", "Paediatric registrar"),
           (("physical_injury", 70), ("substance_misuse", 15), ("mental_health", 15))),
    Source("hospital", 2, "Hearthbridge General Hospital", ("Paediatric liaison nurse",),
           (("physical_injury", 50), ("neglect", 50))),
    Source("relative", 6, "", ("Grandparent", "Aunt", "Uncle", "Father"),
           (("physical_injury", 35), ("neglect", 35), ("domestic_abuse", 15),
            ("substance_misuse", 15)), _INDIVIDUAL),
    Source("neighbour", 3, "", ("Neighbour", "Family friend"),
           (("neglect", 45), ("domestic_abuse", 35), ("physical_injury", 20)), _INDIVIDUAL),
    Source("self", 1, "", ("",), (("emotional_harm", 50), ("physical_injury", 50)), _INDIVIDUAL),
    Source("public", 1, "", ("",), (("neglect", 60), ("physical_injury", 40)), _INDIVIDUAL),
    Source("housing", 3, "Hearthshire Homes", ("Housing officer",),
           (("neglect", 60), ("domestic_abuse", 40))),
    Source("adult_social_care", 2, "Hearthshire Adult Social Care", ("Social worker",),
           (("mental_health", 50), ("substance_misuse", 50))),
    Source("la_internal", 3, "Hearthshire Youth Justice Service", ("Youth justice worker",),
           (("exploitation", 60), ("missing", 40))),
    Source("other_la", 2, "Emberdale Borough Council Children's Services", ("Social worker",),
           (("neglect", 50), ("physical_injury", 50))),
    Source("early_help", 4, "Hearthshire Early Help", ("Family support worker",),
           (("neglect", 60), ("emotional_harm", 40))),
    Source("legal", 2, "Probation Service, Hearthshire", ("Probation officer",),
           (("domestic_abuse", 70), ("substance_misuse", 30))),
    Source("voluntary", 3, "{town} Family Centre", ("Family support worker",),
           (("neglect", 50), ("mental_health", 25), ("domestic_abuse", 25))),
    Source("anonymous", 3, "", ("",),
           (("neglect", 60), ("physical_injury", 20), ("domestic_abuse", 20)),
           ((ContactMethod.PHONE, 0.9), (ContactMethod.ONLINE_FORM, 0.1))),
)  # fmt: skip

CONCERNS: dict[str, tuple[str, ...]] = {
    "physical_injury": (
        "{name} has a bruise on {part}; {explanation}.",
        "Marks on {name}'s {limb} that look like fingertip bruising; {explanation}.",
        "{name} was seen with a cut lip and a swollen eye; {explanation}.",
    ),
    "neglect": (
        "{name} is often hungry, arrives late and wears the same clothes all week.",
        "Home conditions are poor: no food in the house and the heating cut off.",
        "{name} has missed health appointments and seems to be losing weight.",
    ),
    "domestic_abuse": (
        "Police called to the home overnight after neighbours heard shouting; {name} "
        "was in the house.",
        "Mother says her partner hit her in front of {name}.",
    ),
    "sexual_abuse": ("{name} said something at school suggesting an adult touched them.",),
    "emotional_harm": (
        "{name} is withdrawn and frightened to go home; talks about being shouted at.",
        "{name} is being blamed and belittled at home, the family's friends say.",
    ),
    "substance_misuse": (
        "A parent was under the influence at the school gate while caring for {name}.",
        "Drug paraphernalia seen in the home within {name}'s reach.",
    ),
    "mental_health": (
        "Mother's mental health has got worse; she says she cannot cope with {name}.",
        "{name} has talked about wanting to hurt themselves.",
    ),
    "exploitation": (
        "{name} has unexplained money and a new phone and is seen with older young people.",
    ),
    "missing": ("{name} went missing overnight and came back in the morning; will not say "
                "where they were.",),
}  # fmt: skip
PARTS = ("the left cheek", "the forehead", "the back", "the ear", "the upper arm")
LIMBS = ("upper arm", "wrist", "thigh")
EXPLANATIONS = (
    "says they fell over in the garden",
    "no explanation given",
    "mother says a brother pushed them",
    "would not say how it happened",
    "says they fell off a bike",
)
DECISION_REASONS: dict[str, tuple[str, ...]] = {
    Decision.NO_FURTHER_ACTION: (
        "Concern explained by the checks made; no role for children's social care.",
        "Injury consistent with the explanation given; GP and school have no concerns.",
    ),
    Decision.INFORMATION_ADVICE: (
        "Advice given to the referrer; the family signposted to universal services.",
        "Advice given to the parent about safe care; the school will keep watch.",
    ),
    Decision.EARLY_HELP: (
        "The family agreed to early help; referred to the early help hub.",
        "Needs are below the threshold for social care: early help offered and accepted.",
    ),
    Decision.REFERRAL: (
        "Threshold for a child and family assessment met: concerns are repeated and the "
        "checks add to them.",
        "Unexplained injury and earlier concerns: a child and family assessment is needed.",
    ),
    Decision.STRATEGY_DISCUSSION: (
        "Reasonable cause to suspect significant harm: strategy discussion today with "
        "police and health.",
    ),
}
PASSED_ON = "Passed to the allocated social worker, who already holds the case."
RAG_REASONS = {
    Rag.RED: "Possible significant harm: checks needed within hours.",
    Rag.AMBER: "Needs checks today.",
    Rag.GREEN: "No immediate risk identified.",
}
CONSENT_REASONS = {
    Consent.NOT_SOUGHT: (
        "Asking would put the child at risk of harm.",
        "The parent could not be reached and the concern is urgent.",
    ),
    Consent.REFUSED: ("The parent refused; shared because of the risk to the child.",),
}
ACKNOWLEDGED = (
    "Considered with the decision; the history is known to the team.",
    "Seen; the earlier contacts were weighed in the decision.",
    "Discussed with the worker; the decision takes this into account.",
)


@dataclass
class _Plan:
    """A contact as first planned: who it is about, when it came, what became of it."""

    family: int
    day: int  # ordinal of the day received
    children: list[ChildFact]
    decision: str = ""  # "" while undecided
    stage: str = "decided"  # decided | new | rated | authorising
    team_id: int | None = None  # the team a referral went to
    episodes: dict[int, int] = field(default_factory=dict)  # child person id: episode pk
    source: Source | None = None
    passed_on: bool = False  # about a child whose case is open
    received: dt.datetime | None = None
    # Set for the scripted contacts (the showcase); drawn at random otherwise.
    categories: tuple[str, ...] = ()
    concern: str = ""
    referrer: dict[str, str] = field(default_factory=dict)


@dataclass
class _Episode:
    pk: int
    referral: int  # ordinal
    closure: int | None


class _Time:
    """Moments on the working calendar, never after 'now' (the run's, or the end of
    `today` if the authority is generated as of an earlier day)."""

    def __init__(self, ctx: Context) -> None:
        self.cal: WorkingCalendar = working_calendar()
        self.tz = self.cal.tz
        now = ctx.now
        end_of_today = dt.datetime.combine(ctx.today, dt.time(17, 30), tzinfo=self.tz)
        if timezone.localtime(now, self.tz).date() != ctx.today:
            now = end_of_today
        self.now = now
        self._due: dict[dt.date, dt.datetime] = {}

    def day(self, ordinal: int) -> dt.date:
        return dt.date.fromordinal(ordinal)

    def received(self, ordinal: int, rng: Any, out_of_hours: float = 0.12) -> dt.datetime:
        """When a contact arrived on that day: mostly in working hours."""
        day = self.day(ordinal)
        if self.cal.is_working_day(day) and rng.random() >= out_of_hours:
            minute = rng.randint(8 * 60, 18 * 60 - 1)
        else:
            minute = rng.randint(0, 24 * 60 - 1)
        moment = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=self.tz)
        return min(moment, self.now - dt.timedelta(minutes=rng.randint(10, 120)))

    def after(self, start: dt.datetime, working_hours: float) -> dt.datetime:
        """`working_hours` of working time after `start`, but before now (squeezed
        between `start` and now when they would pass it)."""
        moment = self.cal.add_working_hours(start, working_hours)
        if moment < self.now:
            return moment
        return start + (self.now - start) * 0.6

    def decision_due(self, received: dt.datetime) -> dt.datetime:
        day = timezone.localtime(received, self.tz).date()
        if day not in self._due:
            self._due[day] = clock.decision_due_at(received, self.cal)
        return self._due[day]


def _pick(rng: Any, weighted: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _ascii(name: str) -> str:
    return re.sub(r"[^a-z]", "", normalise_name(name))


def _token(rng: Any) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class _Builder:
    """One run of the step: plans the year's contacts, then writes them."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.time = _Time(ctx)
        self.today = ctx.today_ord
        self.start = self.today - WINDOW_DAYS
        self.children: dict[int, ChildFact] = {c.person_id: c for c in ctx.children}
        self.by_family: dict[int, list[ChildFact]] = defaultdict(list)
        for c in ctx.children:
            self.by_family[c.family].append(c)
        self.episodes: dict[int, list[_Episode]] = defaultdict(list)
        self.plans: list[_Plan] = []
        self.referred_on: dict[int, int] = {}  # family: day of its referral in the window
        self.workers = [user for user, _team in ctx.front_door_workers]
        self.managers = [t.manager for t in ctx.teams.get(ServiceArea.FRONT_DOOR, [])]
        self.assessment_teams = [t.pk for t in ctx.teams.get(ServiceArea.ASSESSMENT, [])]
        self.organisations: dict[str, int] = {}
        self.partner_staff: dict[int, list[int]] = {}
        self.sources = [(s, s.weight) for s in SOURCES]

    # Episodes ------------------------------------------------------------------
    def episode(
        self,
        child: int,
        referral: int,
        closure: int | None,
        area: str,
        source: Source,
        reason: str = "",
    ) -> int:
        ctx = self.ctx
        rng = self.rng
        pk = ctx.pk(CINEpisode)
        if closure is not None and not reason:
            if area == ServiceArea.ASSESSMENT:
                reason = _pick(rng, (("RC8", 0.6), ("RC9", 0.3), ("RC7", 0.1)))
            else:
                reason = "RC7"
        need = (
            "N1"
            if area != ServiceArea.ASSESSMENT
            else _pick(rng, (("N1", 0.5), ("N4", 0.2), ("N5", 0.2), ("N3", 0.1)))
        )
        ctx.insert(
            CINEpisode,
            pk=pk,
            person_id=child,
            referral_date=dt.date.fromordinal(referral),
            referral_source=referrer_kind(source.key).code,  # type: ignore[union-attr]
            primary_need_code=need,
            closure_date=dt.date.fromordinal(closure) if closure is not None else None,
            closure_reason=reason,
            created_at=ctx.now,
        )
        self.episodes[child].append(_Episode(pk, referral, closure))
        ctx.cin_episodes.setdefault(child, []).append(pk)
        ctx.summary.cin_episodes += 1
        return pk

    # Planning ------------------------------------------------------------------
    def plan_spells(self) -> None:
        """An episode for each child in each spell of casework, and for a spell that
        began within the year, the referral that began it."""
        for index, family in enumerate(self.ctx.families):
            for spell in family.work:
                if spell.area == ServiceArea.FRONT_DOOR:
                    self.plan_screening(index, spell)
                elif spell.area in CASEWORK_AREAS:
                    self.plan_spell(index, spell)

    def _born_by(self, child: ChildFact) -> int:
        born = child.date_of_birth or child.expected_date_of_birth
        return born.toordinal() if born else self.today

    def plan_spell(self, family: int, spell: WorkFact) -> None:
        rng = self.rng
        source = _pick(rng, self.sources)
        episodes: dict[int, int] = {}
        in_contact = []
        for pk in spell.children:
            child = self.children.get(pk)
            if child is None:
                continue
            unborn = child.date_of_birth is None
            referral = spell.start if unborn else max(spell.start, self._born_by(child))
            if spell.end is not None and referral > spell.end:
                continue
            episodes[pk] = self.episode(pk, referral, spell.end, spell.area, source)
            if referral == spell.start:
                in_contact.append(child)
        if spell.start < self.start or not in_contact:
            return
        decision = (
            Decision.STRATEGY_DISCUSSION
            if spell.area == ServiceArea.CHILD_PROTECTION and rng.random() < 0.6
            else Decision.REFERRAL
        )
        team = spell.team_id
        if spell.area not in {ServiceArea.ASSESSMENT, ServiceArea.CHILD_PROTECTION}:
            team = rng.choice(self.assessment_teams)
        self.plans.append(
            _Plan(
                family,
                spell.start,
                in_contact,
                decision,
                team_id=team,
                episodes={c.person_id: episodes[c.person_id] for c in in_contact},
                source=source,
            )
        )
        self.referred_on[family] = spell.start

    def plan_screening(self, family: int, spell: WorkFact) -> None:
        """A family the front door is screening now: one contact, not yet decided."""
        rng = self.rng
        kids = [self.children[pk] for pk in spell.children if pk in self.children]
        if not kids:
            return
        plan = _Plan(family, spell.start, kids, stage="")
        plan.received = self.time.received(spell.start, rng)
        late = self.time.decision_due(plan.received) < self.time.now
        plan.stage = _pick(
            rng,
            (("new", 0.2), ("rated", 0.5), ("authorising", 0.3))
            if late
            else (("new", 0.45), ("rated", 0.4), ("authorising", 0.15)),
        )
        if plan.stage == "authorising":
            plan.decision = _pick(
                rng,
                (
                    (Decision.NO_FURTHER_ACTION, 0.2),
                    (Decision.INFORMATION_ADVICE, 0.25),
                    (Decision.EARLY_HELP, 0.25),
                    (Decision.REFERRAL, 0.25),
                    (Decision.STRATEGY_DISCUSSION, 0.05),
                ),
            )
            if plan.decision in REFERRAL_DECISIONS:
                plan.team_id = rng.choice(self.assessment_teams)
        self.plans.append(plan)

    def plan_closed_referrals(self, wanted: int) -> None:
        """Referrals within the year that closed, for families not otherwise worked
        with: enough to make the referrals about a third of the contacts. Most close at
        the referral (no further action, or early help) within a working day; some after
        an assessment; some after a strategy discussion and a section 47 enquiry that
        found no likely significant harm (`CLOSED_PATHS`; the casework step follows the
        path recorded in `ctx.episode_paths`)."""
        ctx, rng = self.ctx, self.rng
        cal = self.time.cal
        candidates = [i for i, f in enumerate(ctx.families) if not f.work]
        workers = ctx.area_workers.get(ServiceArea.ASSESSMENT, [])
        if not workers:
            return
        latest = self.today - 75  # room for the assessment to finish
        made = 0
        for family in rng.sample(candidates, min(len(candidates), wanted * 2)):
            if made >= wanted or latest <= self.start:
                break
            day = rng.randint(self.start, latest)
            kids = [c for c in self.by_family[family] if c.date_of_birth and self._born_by(c) < day]
            if not kids:
                continue
            if len(kids) > 1 and rng.random() < CLOSED_SUBSET:
                kids = rng.sample(kids, rng.randint(1, len(kids) - 1))
            path = _pick(rng, CLOSED_PATHS)
            if path == "nfa":
                # Decided at the referral: closed the same or the next working day
                # (the census's ReferralNFA).
                closure = cal.add_working_days(self.time.day(day), rng.choice((0, 1)))
                closure_day = closure.toordinal()
            else:
                closure_day = day + rng.randint(25, 70)
            # No further action (RC8) or early help (RC9); after an enquiry, RC7.
            reason = "RC7" if path == "s47" else _pick(rng, (("RC8", 0.7), ("RC9", 0.3)))
            worker = rng.choice(workers)
            source = _pick(rng, self.sources)
            decision = (
                Decision.STRATEGY_DISCUSSION
                if path == "s47" and rng.random() < 0.5
                else Decision.REFERRAL
            )
            plan = _Plan(family, day, kids, decision, team_id=worker.team.pk, source=source)
            for child in kids:
                pk = self.episode(
                    child.person_id, day, closure_day, ServiceArea.ASSESSMENT, source, reason
                )
                plan.episodes[child.person_id] = pk
                ctx.episode_paths[pk] = path
                if path == "nfa":
                    continue  # decided at the referral: never allocated to a worker
                ctx.insert(
                    Involvement,
                    pk=ctx.pk(Involvement),
                    person_id=child.person_id,
                    team_id=worker.team.pk,
                    worker_id=worker.pk,
                    reason="Child and family assessment",
                    started=dt.date.fromordinal(day),
                    ended=dt.date.fromordinal(closure_day),
                )
                ctx.summary.closed_involvements += 1
            self.plans.append(plan)
            self.referred_on[family] = day
            made += 1

    def plan_others(self, wanted: int) -> None:
        """Contacts decided as no further action, information and advice or early
        help; many about families already known."""
        ctx, rng = self.ctx, self.rng
        families = ctx.families
        weights = []
        for i, family in enumerate(families):
            weight = 1.0
            if family.work or i in self.referred_on:
                weight = KNOWN_WEIGHT
            elif rng.random() < TROUBLED_SHARE:
                weight = TROUBLED_WEIGHT
            weights.append(weight)
        latest = self.today - SETTLED_DAYS
        made = 0
        for index in rng.choices(range(len(families)), weights, k=wanted * 4):
            if made >= wanted:
                break
            referred = self.referred_on.get(index)
            if referred is not None and rng.random() < BEFORE_REFERRAL_SHARE:
                day = rng.randint(max(self.start, referred - 120), max(self.start, referred - 1))
            else:
                day = rng.randint(self.start, latest)
            if not self.time.cal.is_working_day(self.time.day(day)) and rng.random() < 0.7:
                continue  # fewer contacts at weekends and on bank holidays
            kids = [c for c in self.by_family[index] if c.date_of_birth and self._born_by(c) <= day]
            if not kids:
                continue
            if len(kids) > 1 and rng.random() < 0.5:
                kids = [rng.choice(kids)]
            passed_on = any(self.open_on(c.person_id, day) for c in kids)
            decision = (
                Decision.INFORMATION_ADVICE
                if passed_on
                else _pick(
                    rng,
                    (
                        (Decision.NO_FURTHER_ACTION, 0.35),
                        (Decision.INFORMATION_ADVICE, 0.35),
                        (Decision.EARLY_HELP, 0.3),
                    ),
                )
            )
            self.plans.append(_Plan(index, day, kids, decision, passed_on=passed_on))
            made += 1

    def plan_showcase(self) -> None:
        """The pattern the front door exists to see (Arthur Labinjo-Hughes's case): a
        grandmother reported bruising three weeks ago, judged on its own as no further
        action; today an uncle reports more. The new contact waits on the worklist with
        its flag, for a demonstration to begin from."""
        ctx, rng, time = self.ctx, self.rng, self.time
        today = self.today
        candidates = [
            i
            for i, family in enumerate(ctx.families)
            if not family.work
            and i not in self.referred_on
            and family.carers
            and any(
                c.date_of_birth and 3 * 365 <= today - c.date_of_birth.toordinal() <= 8 * 365
                for c in self.by_family[i]
            )
        ]
        relative = next((s for s in SOURCES if s.key == "relative"), None)
        if not candidates or relative is None or not self.workers:
            return
        family = rng.choice(candidates)
        child = next(
            c
            for c in self.by_family[family]
            if c.date_of_birth and 3 * 365 <= today - c.date_of_birth.toordinal() <= 8 * 365
        )
        given, surname = child.name.split(" ", 1)
        earlier = today - 21
        while not time.cal.is_working_day(dt.date.fromordinal(earlier)):
            earlier -= 1
        phone = {"referrer_phone": "07700 900123"}
        self.plans.append(
            _Plan(
                family,
                earlier,
                [child],
                Decision.NO_FURTHER_ACTION,
                source=relative,
                categories=("physical_injury",),
                concern=f"{given}'s grandmother showed photographs on her phone of bruises on "
                f"{given}'s back and arms; {given} told her they fell off the trampoline.",
                referrer={"referrer_name": f"Margaret {surname}", "referrer_role": "Grandmother"}
                | phone,
            )
        )
        now = time.now
        self.plans.append(
            _Plan(
                family,
                today,
                [child],
                stage="new",
                source=relative,
                received=now - dt.timedelta(minutes=35),
                categories=("physical_injury", "emotional_harm"),
                concern=f"{given}'s uncle saw bruising to {given}'s face and neck at the "
                f"weekend and has photographs; {given} flinched when their stepfather came in.",
                referrer={"referrer_name": f"Daniel {surname}", "referrer_role": "Uncle"} | phone,
            )
        )
        ctx.insert(
            Involvement,
            pk=ctx.pk(Involvement),
            person_id=child.person_id,
            team_id=ctx.front_door_workers[0][1],
            worker_id=ctx.front_door_workers[0][0],
            reason="Contact being screened",
            started=dt.date.fromordinal(today),
        )
        ctx.summary.open_involvements += 1

    def open_on(self, child: int, day: int) -> bool:
        return any(
            e.referral <= day and (e.closure is None or e.closure >= day)
            for e in self.episodes.get(child, ())
        )

    # Partners ------------------------------------------------------------------
    def partners(self) -> None:
        """The partner agencies asked for information, each with a few staff who
        answer (made once; a later run finds them). Their names come from a stream of
        their own, so a later run draws the same contacts as a first would."""
        ctx = self.ctx
        rng = random.Random(self.rng.getrandbits(64))
        for kind, name in PARTNERS:
            organisation, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
            self.organisations[kind] = organisation.pk
            staff = list(
                User.objects.filter(organisation=organisation, role=Role.PARTNER)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            for _ in range(PARTNERS_PER_ORGANISATION - len(staff)):
                heritage = _pick(rng, ctx.heritages)
                given = rng.choice(heritage.female if rng.random() < 0.6 else heritage.male)
                family = rng.choice(heritage.surnames)
                pk = ctx.pk(User)
                email = ".".join(f"{given} {family}".lower().split())
                ctx.add(
                    User(
                        pk=pk,
                        email=f"{email}.{pk}@{PARTNER_STAFF_DOMAIN}",
                        full_name=f"{given} {family}",
                        role=Role.PARTNER,
                        organisation_id=organisation.pk,
                        password="!unusable-synthetic-partner",  # no one signs in as these
                        date_joined=ctx.now,
                    )
                )
                staff.append(pk)
            self.partner_staff[organisation.pk] = staff

    # Writing -------------------------------------------------------------------
    def referrer(self, source: Source, child: ChildFact) -> dict[str, str]:
        rng = self.rng
        if source.key == "anonymous":
            return {}
        heritage = _pick(rng, self.ctx.heritages)
        given = rng.choice(heritage.female if rng.random() < 0.65 else heritage.male)
        family = rng.choice(heritage.surnames)
        name = child.name if source.key == "self" else f"{given} {family}"
        role = rng.choice(source.roles)
        out = {"referrer_name": name, "referrer_role": role}
        if source.professional:
            town = rng.choice(data.TOWNS)[0]
            organisation = source.organisation.format(town=town, stem=rng.choice(data.STREET_STEMS))
            slug = "".join(ch for ch in organisation.lower() if ch.isalnum())[:24]
            out |= {
                "referrer_organisation": organisation,
                "referrer_phone": f"01632 960{rng.randint(0, 999):03d}",
                "referrer_email": f"{_ascii(given)}.{_ascii(family)}@{slug}.example.org",
            }
        else:
            out["referrer_phone"] = f"07700 900{rng.randint(0, 999):03d}"
        return out

    def concern(self, categories: Sequence[str], child: ChildFact) -> str:
        rng = self.rng
        given = child.name.split(" ", 1)[0] if child.date_of_birth else "the baby"
        parts = []
        for code in categories:
            text = rng.choice(CONCERNS[code])
            parts.append(
                text.format(
                    name=given,
                    part=rng.choice(PARTS),
                    limb=rng.choice(LIMBS),
                    explanation=rng.choice(EXPLANATIONS),
                )
            )
        sentence = " ".join(parts)
        return sentence[0].upper() + sentence[1:]

    def write(self) -> None:
        rng, time = self.rng, self.time
        # Chronological, so each contact's flags see the contacts before it.
        for plan in self.plans:
            plan.source = plan.source or _pick(rng, self.sources)
        received_at = {id(p): p.received or time.received(p.day, rng) for p in self.plans}
        self.plans.sort(key=lambda p: received_at[id(p)])
        seen: dict[int, list[flags.ContactFact]] = defaultdict(list)
        for plan in self.plans:
            self.write_one(plan, received_at[id(plan)], seen)

    def write_one(
        self, plan: _Plan, received: dt.datetime, seen: dict[int, list[flags.ContactFact]]
    ) -> None:
        ctx, rng, time = self.ctx, self.rng, self.time
        source = plan.source
        assert source is not None
        pk = ctx.pk(Contact)
        worker = rng.choice(self.workers)
        manager = rng.choice(self.managers)
        kind = referrer_kind(source.key)
        assert kind is not None
        categories = sorted(
            {_pick(rng, source.categories) for _ in range(1 if rng.random() < 0.7 else 2)}
        )
        if plan.categories:
            categories = sorted(plan.categories)
        if plan.decision == Decision.STRATEGY_DISCUSSION and "physical_injury" not in categories:
            categories = sorted({*categories, "physical_injury"})
        due = time.decision_due(received)
        submitted = min(received + dt.timedelta(minutes=rng.randint(5, 50)), time.now)
        values: dict[str, Any] = {
            "pk": pk,
            "token": _token(rng),
            "received_at": received,
            "method": _pick(rng, source.methods),
            "referrer_kind": source.key,
            "referral_source": kind.code,
            "concern": plan.concern or self.concern(categories, plan.children[0]),
            "created_by_id": worker,
            "created_at": received,
            "updated_at": submitted,
            "submitted_by_id": worker,
            "submitted_at": submitted,
            "decision_due_at": due,
            **(plan.referrer or self.referrer(source, plan.children[0])),
        }
        if source.key == "anonymous":
            values["consent"], values["consent_reason"] = Consent.NOT_SOUGHT, "Anonymous caller."
        else:
            consent = _pick(
                rng, ((Consent.GIVEN, 0.55), (Consent.NOT_SOUGHT, 0.3), (Consent.REFUSED, 0.15))
            )
            values["consent"] = consent
            if consent != Consent.GIVEN:
                values["consent_reason"] = rng.choice(CONSENT_REASONS[consent])
        decided = plan.stage in {"decided", "authorising"}
        rag = ""
        if plan.stage != "new":
            rag = _pick(
                rng,
                ((Rag.RED, 0.6), (Rag.AMBER, 0.35), (Rag.GREEN, 0.05))
                if plan.decision in REFERRAL_DECISIONS
                else ((Rag.RED, 0.05), (Rag.AMBER, 0.4), (Rag.GREEN, 0.55)),
            )
        decided_at = authorised_at = None
        if decided:
            late = rng.random() < 0.07
            hours = rng.uniform(9, 16) if late else rng.uniform(0.5, 6.5)
            decided_at = time.after(received, hours)
        if rag:
            rag_set = time.after(received, rng.uniform(0.1, 1.0))
            if decided_at is not None and rag_set >= decided_at:
                rag_set = received + (decided_at - received) / 3
            values |= {
                "rag": rag,
                "rag_reason": RAG_REASONS[Rag(rag)],
                "rag_set_by_id": worker,
                "rag_set_at": rag_set,
            }
            self.requests(pk, plan, rag, rag_set, decided_at, worker)
        if decided_at is not None:
            reasons = DECISION_REASONS[plan.decision]
            values |= {
                "status": ContactStatus.AWAITING_AUTHORISATION,
                "decision": plan.decision,
                "decision_reason": PASSED_ON if plan.passed_on else rng.choice(reasons),
                "referred_to_team_id": plan.team_id,
                "decided_by_id": worker,
                "decided_at": decided_at,
            }
        else:
            values["status"] = ContactStatus.AWAITING_DECISION
        if plan.stage == "decided":
            assert decided_at is not None
            authorised_at = time.after(decided_at, rng.uniform(0.2, 3))
            if authorised_at <= decided_at:
                authorised_at = decided_at + (time.now - decided_at) / 2
            values |= {
                "status": ContactStatus.DECIDED,
                "authorised_by_id": manager,
                "authorised_at": authorised_at,
            }
            letter = letters.outcome_letter(Contact(**values), authority=data.LOCAL_AUTHORITY_NAME)
            if letter:
                values |= {"outcome_letter": letter, "outcome_letter_at": authorised_at}
        ctx.insert(Contact, **values)
        ctx.summary.contacts += 1
        if plan.decision in REFERRAL_DECISIONS and plan.stage == "decided":
            ctx.summary.referrals += 1
        for code in categories:
            ctx.insert(ContactCategory, pk=ctx.pk(ContactCategory), contact_id=pk, code=code)
        for child in plan.children:
            ctx.insert(
                ContactPerson,
                pk=ctx.pk(ContactPerson),
                contact_id=pk,
                person_id=child.person_id,
                role=SubjectRole.CHILD,
                added_by_id=worker,
                added_at=submitted,
                cin_episode_id=plan.episodes.get(child.person_id),
            )
        family = self.ctx.families[plan.family]
        if family.carers and rng.random() < 0.6:
            ctx.insert(
                ContactPerson,
                pk=ctx.pk(ContactPerson),
                contact_id=pk,
                person_id=family.carers[0],
                role=SubjectRole.ADULT,
                added_by_id=worker,
                added_at=submitted,
            )
        self.flags(plan, values, categories, seen, manager, authorised_at)

    def flags(
        self,
        plan: _Plan,
        values: dict[str, Any],
        categories: Sequence[str],
        seen: dict[int, list[flags.ContactFact]],
        manager: int,
        authorised_at: dt.datetime | None,
    ) -> None:
        """The flags the front door's rules raise for this contact, over the contacts
        and episodes generated before it; then this contact joins what later ones see."""
        ctx, rng = self.ctx, self.rng
        received = values["received_at"]
        day = timezone.localtime(received, self.time.tz).date().toordinal()
        source = plan.source
        assert source is not None
        anonymous = source.key == "anonymous"
        name = values.get("referrer_name", "")
        label = referrer_kind(source.key).label  # type: ignore[union-attr]
        who = ", ".join(p for p in (name, values.get("referrer_organisation", "")) if p)
        current = flags.ContactFact(
            contact_id=values["pk"],
            received_at=received,
            referrer="Anonymous" if anonymous else f"{who} ({label})" if who else label,
            referrer_key=f"contact:{values['pk']}" if anonymous or not name else name.lower(),
            categories=frozenset(categories),
        )
        opened = set(plan.episodes.values())
        facts = [
            flags.ChildFacts(
                person_id=child.person_id,
                name=child.name,
                date_of_birth=child.date_of_birth,
                expected_date_of_birth=child.expected_date_of_birth,
                not_independently_mobile=False,
                earlier_contacts=seen[child.person_id],
                episodes=[
                    flags.EpisodeFact(
                        dt.date.fromordinal(e.referral),
                        dt.date.fromordinal(e.closure)
                        if e.closure is not None and e.closure <= day
                        else None,
                    )
                    for e in self.episodes.get(child.person_id, ())
                    if e.referral <= day and e.pk not in opened
                ],
            )
            for child in plan.children
        ]
        for finding in flags.evaluate(facts, current):
            row: dict[str, Any] = {
                "pk": ctx.pk(ContactFlag),
                "contact_id": values["pk"],
                "person_id": finding.person_id,
                "kind": finding.kind,
                "reason": finding.reason,
                "raised_at": values["submitted_at"],
            }
            if authorised_at is not None:
                row |= {
                    "acknowledged_by_id": manager,
                    "acknowledged_at": authorised_at - dt.timedelta(minutes=rng.randint(1, 20)),
                    "acknowledgement_note": rng.choice(ACKNOWLEDGED),
                }
            ctx.insert(ContactFlag, **row)
            ctx.summary.contact_flags += 1
        for child in plan.children:
            seen[child.person_id].append(current)

    def requests(
        self,
        contact: int,
        plan: _Plan,
        rag: str,
        sent_after: dt.datetime,
        decided_at: dt.datetime | None,
        worker: int,
    ) -> None:
        """Information asked of partner agencies, and what became of each request."""
        ctx, rng, time = self.ctx, self.rng, self.time
        if rng.random() >= ASKED_BY_RAG[Rag(rag)] and plan.stage == "decided":
            return
        kinds = [k for k, share in ASKED.items() if rng.random() < share]
        school_age = any(
            c.date_of_birth and (self.today - c.date_of_birth.toordinal()) > 4 * 365
            for c in plan.children
        )
        if not school_age and OrganisationKind.EDUCATION in kinds:
            kinds.remove(OrganisationKind.EDUCATION)
        kinds = kinds or [OrganisationKind.POLICE]
        sent = sent_after + dt.timedelta(minutes=rng.randint(2, 25))
        if decided_at is not None and sent >= decided_at:
            sent = sent_after + (decided_at - sent_after) / 2
        sent = min(sent, time.now)
        due = clock.request_due_at(rag, sent, time.cal)
        token = _token(rng)
        for kind in kinds:
            organisation = self.organisations[kind]
            row: dict[str, Any] = {
                "pk": ctx.pk(InformationRequest),
                "contact_id": contact,
                "organisation_id": organisation,
                "question": QUESTION,
                "due_at": due,
                "sent_by_id": worker,
                "sent_at": sent,
                "form_token": token,
            }
            if decided_at is not None:
                if plan.stage == "decided" and rng.random() < 0.05:
                    row["status"] = RequestStatus.WITHDRAWN
                else:
                    # Answered before the decision was made.
                    row |= self.answer(
                        kind, organisation, sent + (decided_at - sent) * rng.uniform(0.3, 0.95)
                    )
            else:
                answered = time.after(sent, rng.uniform(0.3, 10))
                if answered < time.now - dt.timedelta(minutes=5) and rng.random() < 0.5:
                    row |= self.answer(kind, organisation, answered)
            row = ctx.insert(InformationRequest, **row)
            ctx.summary.information_requests += 1
            if row.get("status", RequestStatus.OPEN) == RequestStatus.OPEN and due < time.now:
                chased = due + (time.now - due) * rng.uniform(0.2, 0.8)
                ctx.insert(
                    RequestChase,
                    pk=ctx.pk(RequestChase),
                    request_id=row["pk"],
                    chased_by_id=worker,
                    chased_at=chased,
                    note="Still waiting: the decision is due today.",
                )
                row["last_chased_at"] = chased

    def answer(self, kind: str, organisation: int, when: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        return {
            "status": RequestStatus.ANSWERED,
            "response": rng.choice(RESPONSES.get(kind, OTHER_RESPONSES)),
            "responded_by_id": rng.choice(self.partner_staff[organisation]),
            "responded_at": when,
        }


QUESTION = (
    "Please tell us what your agency knows about the children and adults named: any "
    "current or past involvement, concerns, risks, and the professionals working with them."
)


def step_contacts(ctx: Context) -> None:
    """A year of contacts and decisions at the front door (see the module's docstring)."""
    if not ctx.families or not ctx.front_door_workers:
        return
    builder = _Builder(ctx)
    builder.partners()
    builder.plan_spells()
    total = round(
        sum(1 for c in ctx.children if c.date_of_birth) * CONTACTS_PER_CHILD_PER_MONTH * 12
    )
    referrals = sum(1 for p in builder.plans if p.decision in REFERRAL_DECISIONS)
    builder.plan_closed_referrals(max(0, round(total * REFERRAL_SHARE) - referrals))
    builder.plan_showcase()
    builder.plan_others(max(0, total - len(builder.plans)))
    ctx.say(f"  {len(builder.plans):,} contacts at the front door")
    builder.write()
