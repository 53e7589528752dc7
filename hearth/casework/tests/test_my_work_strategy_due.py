"""The strategy discussion's due date is stored on the episode (rule
`cp.strategy_discussion`: 1 working day after the decision, local practice), kept as a
task for the team manager, met by the first discussion held since the decision, reopened
if that discussion is re-dated before it, and on the team's overdue list when late."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from hearth.casework import selectors, services
from hearth.casework.due import recompute_open_rows
from hearth.casework.models import Task
from hearth.timescales.registry import RecomputeScope

from .conftest import REFERRAL, D, at
from .test_services import _assessment, _fill, _strategy

pytestmark = pytest.mark.django_db


def _task(episode) -> Task | None:
    return Task.objects.filter(
        source_type="casework.cinepisode", source_id=episode.pk, rule_code="cp.strategy_discussion"
    ).first()


def _authorised_for_strategy(cw, episode):
    assessment = _fill(cw, _assessment(cw, episode))  # outcome: strategy discussion
    services.assessment_child_seen(
        acting_user=cw.worker, assessment=assessment, seen_on=D(2026, 4, 8), alone=True
    )
    return services.assessment_authorise(
        acting_user=cw.manager, assessment=assessment, authorised_on=D(2026, 5, 20)
    )


def test_an_assessment_deciding_on_a_strategy_discussion_makes_it_due(cw):
    episode = cw.episode()
    _authorised_for_strategy(cw, episode)
    episode.refresh_from_db()
    assert episode.strategy_needed_on == D(2026, 5, 20)
    assert episode.strategy_discussion_due_on == D(2026, 5, 21)  # Wednesday -> Thursday
    task = _task(episode)
    assert task is not None and task.done_on is None
    assert (task.role, task.title, task.due_on) == (
        "team_manager", "Hold the strategy discussion", D(2026, 5, 21)
    )  # fmt: skip
    # Late, it is on the team's overdue list.
    overdue = selectors.team_overdue(cw.team.pk, today=D(2026, 6, 1))
    assert "Hold the strategy discussion" in [i.title for i in overdue.items]


def test_the_discussion_meets_it_and_re_dating_it_before_the_decision_reopens_it(cw):
    episode = cw.episode()
    _authorised_for_strategy(cw, episode)
    discussion = _strategy(cw, episode, held_at=at(2026, 5, 22))
    episode.refresh_from_db()
    assert episode.strategy_held_on == D(2026, 5, 22)
    assert _task(episode).done_on == D(2026, 5, 22)  # met, a day late
    services.strategy_discussion_update(
        acting_user=cw.worker, discussion=discussion, expected_version=discussion.version,
        held_at=at(2026, 5, 19), decision=discussion.decision, cp_medical=False, summary="",
        attendees=cw.attendees(),
    )  # fmt: skip
    episode.refresh_from_db()
    assert episode.strategy_held_on is None  # held before it was decided on
    assert _task(episode).done_on is None
    # Recomputing the whole authority changes nothing that is already right.
    assert recompute_open_rows(RecomputeScope()) == 0


def test_the_front_door_can_open_an_episode_with_a_strategy_discussion_due(cw):
    with pytest.raises(ValidationError, match="before the referral"):
        cw.episode(strategy_needed_on=D(2026, 4, 1))
    with pytest.raises(ValidationError, match="future"):
        cw.episode(strategy_needed_on=D(2027, 2, 1))
    episode = cw.episode(strategy_needed_on=REFERRAL)  # Thursday 2 April 2026
    # 1 working day later: Friday 3 April is Good Friday, Monday 6 April Easter Monday.
    assert episode.strategy_discussion_due_on == D(2026, 4, 7)
    assert _task(episode).due_on == D(2026, 4, 7)


def test_episodes_without_a_decision_carry_no_strategy_due_date(cw):
    episode = cw.episode()
    assert episode.strategy_discussion_due_on is None and _task(episode) is None
    _strategy(cw, episode)  # a discussion without a recorded decision meets nothing
    episode.refresh_from_db()
    assert episode.strategy_held_on is None and _task(episode) is None
