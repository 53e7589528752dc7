"""Demo data: the workforce (FTE, interests, languages, leave, supervision histories, duty
rotas) and a few children waiting at each allocations meeting.

Runs after `step_casework` and `step_care` in the generator's PIPELINE. Rows are queued
with `ctx.insert()` and written in bulk by the generator, like every other step. Shares
are Hearth's demo assumptions, not published figures: about 1 in 6 workers part time,
annual leave of a week or two each season, about 1 in 20 on long leave (sickness or
parental) and a sixth of supervisions missed, so some show overdue.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from hearth.accounts.models import ServiceArea
from hearth.people.models import Involvement
from hearth.workforce.models import (
    INTEREST_CHOICES,
    CaseDiscussion,
    DutyShift,
    Leave,
    Supervision,
    SupervisionAction,
    WorkerProfile,
)

if TYPE_CHECKING:
    from hearth.demo.generator import Context, TeamInfo, Worker

PART_TIME_SHARE = 0.16
LONG_LEAVE_SHARE = 0.05
MISSED_SUPERVISION = 0.16
SUPERVISION_HISTORY_DAYS = 180
ROTA_DAYS = (-7, 21)
WAITING_PER_TEAM = (3, 6)
# Labels from the first-language code list (hearth/core/codelists/language.toml), so a
# worker's language can match a child's.
LANGUAGES = ("Polish", "Urdu", "Panjabi", "Bengali", "Romanian", "Somali", "Arabic", "Turkish")
GOALS = (
    "Senior practitioner within two years",
    "Court work and care proceedings",
    "Practice educator training",
    "Move into fostering",
    "",
)
REFLECTIONS = (
    "The family engages on announced visits only.",
    "School reports attendance improving since the plan began.",
    "Mother's new partner is not yet known to us.",
    "The child's wishes are consistent: to stay with grandmother.",
)
DECISIONS = (
    "Unannounced visit this week; see the child alone.",
    "Convene a core group to review the plan's progress.",
    "Request a health assessment and chase the GP's report.",
    "Step down to a child in need plan at the next review if progress holds.",
)
ASYE_SUPERVISION_DAYS = 14
SUPERVISION_DAYS = 28


def _children_by_worker(ctx: Context) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for child in ctx.children:
        if child.worker_id is not None:
            found[child.worker_id].append(child.person_id)
    return found


def _profile(ctx: Context, worker: Worker) -> None:
    rng = ctx.rng
    fte = Decimal("1")
    if rng.random() < PART_TIME_SHARE:
        fte = Decimal(rng.choice(("0.6", "0.8")))
    interests = [c for c, _ in rng.sample(INTEREST_CHOICES, rng.randint(1, 3))]
    languages = [rng.choice(LANGUAGES)] if rng.random() < 0.2 else []
    ctx.insert(
        WorkerProfile,
        pk=ctx.pk(WorkerProfile),
        user_id=worker.pk,
        fte=fte,
        interests=interests,
        career_goals=rng.choice(GOALS),
        languages=languages,
        updated_at=ctx.now,
    )


def _leave(ctx: Context, worker: Worker) -> None:
    rng = ctx.rng
    today = ctx.today
    if rng.random() < LONG_LEAVE_SHARE:
        start = today + dt.timedelta(days=rng.randint(-30, 20))
        kind = rng.choice(("sick", "parental"))
        end = start + dt.timedelta(days=rng.randint(28, 120))
        ctx.insert(Leave, pk=ctx.pk(Leave), user_id=worker.pk, kind=kind, start=start, end=end)
    for offset in sorted(rng.sample(range(-60, 90, 10), 2)):
        start = today + dt.timedelta(days=offset + rng.randint(0, 5))
        end = start + dt.timedelta(days=rng.choice((2, 4, 7, 11)))
        ctx.insert(Leave, pk=ctx.pk(Leave), user_id=worker.pk, kind="annual", start=start, end=end)


def _supervision(
    ctx: Context, worker: Worker, supervisor: int, children: list[int], asye: bool
) -> None:
    rng = ctx.rng
    every = ASYE_SUPERVISION_DAYS if asye else SUPERVISION_DAYS
    day = ctx.today - dt.timedelta(days=SUPERVISION_HISTORY_DAYS - rng.randint(0, every))
    personal = True
    while day <= ctx.today:
        if rng.random() >= MISSED_SUPERVISION:
            pk = ctx.pk(Supervision)
            kind = "personal" if personal or not children else "case"
            values = {
                "pk": pk, "worker_id": worker.pk, "supervisor_id": supervisor, "held_on": day,
                "kind": kind, "recorded_at": ctx.now,
            }  # fmt: skip
            if kind == "personal":
                values |= {
                    "workload": f"{rng.randint(12, 22)} children; two reports due this month.",
                    "wellbeing": rng.choice(("Well.", "Tired; took a day's leave.", "Good.")),
                    "went_well": "A child's views recorded in their own words for conference.",
                    "was_hard": rng.choice(("Late finishes after visits.", "A hostile parent.")),
                }
            ctx.insert(Supervision, **values)
            if kind == "case":
                for person_id in rng.sample(children, min(len(children), rng.randint(1, 3))):
                    disc = ctx.pk(CaseDiscussion)
                    ctx.insert(
                        CaseDiscussion,
                        pk=disc,
                        supervision_id=pk,
                        person_id=person_id,
                        reflection=rng.choice(REFLECTIONS),
                        decisions=rng.choice(DECISIONS),
                    )
                    due = day + dt.timedelta(days=rng.randint(3, 14))
                    ctx.insert(
                        SupervisionAction,
                        pk=ctx.pk(SupervisionAction),
                        discussion_id=disc,
                        description="Carry out the decision and record it",
                        owner_id=worker.pk,
                        due_on=due,
                        done_on=due if due < ctx.today else None,
                    )
            personal = not personal
        day += dt.timedelta(days=every + rng.randint(-3, 4))


def _rota(ctx: Context, team: TeamInfo, workers: list[Worker]) -> None:
    if not workers:
        return
    for i in range(*ROTA_DAYS):
        day = ctx.today + dt.timedelta(days=i)
        if day.weekday() >= 5:
            continue
        worker = workers[(day.toordinal() + team.pk) % len(workers)]
        ctx.insert(DutyShift, pk=ctx.pk(DutyShift), team_id=team.pk, day=day, worker_id=worker.pk)


def _waiting(ctx: Context, team: TeamInfo, free: list[int]) -> None:
    """New referrals waiting for the allocations meeting."""
    for _ in range(ctx.rng.randint(*WAITING_PER_TEAM)):
        if not free:
            return
        person_id = free.pop()
        ctx.insert(
            Involvement,
            pk=ctx.pk(Involvement),
            person_id=person_id,
            team_id=team.pk,
            worker_id=None,
            reason="Referral: waiting for allocation",
            started=ctx.today - dt.timedelta(days=ctx.rng.randint(0, 6)),
        )
        ctx.summary.open_involvements += 1


def step_workforce(ctx: Context) -> None:
    """Profiles, leave, supervision and duty for every worker who holds children."""
    ctx.say("  workforce: profiles, leave, supervision, duty rotas")
    from hearth.accounts.models import User

    asye = set(User.objects.filter(asye_until__gte=ctx.today).values_list("pk", flat=True))
    by_worker = _children_by_worker(ctx)
    today_ord = ctx.today_ord
    free = [
        c.person_id
        for c in ctx.children
        if c.team_id is None
        and c.date_of_birth is not None
        and today_ord - c.date_of_birth.toordinal() < 17 * 365
    ]
    ctx.rng.shuffle(free)
    seen: set[int] = set()
    for area, workers in ctx.area_workers.items():
        by_team: dict[int, list[Worker]] = defaultdict(list)
        for w in workers:
            if w.pk in seen:
                continue
            seen.add(w.pk)
            by_team[w.team.pk].append(w)
            _profile(ctx, w)
            _leave(ctx, w)
            _supervision(ctx, w, w.team.manager, by_worker.get(w.pk, []), w.pk in asye)
        for team in ctx.teams.get(area, []):
            _rota(ctx, team, by_team.get(team.pk, []))
            if area in (ServiceArea.ASSESSMENT, ServiceArea.CHILD_PROTECTION):
                _waiting(ctx, team, free)
