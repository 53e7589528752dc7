"""Documents test fixtures: the casework team, chair, outsider and child (see
hearth/casework/tests/conftest.py), and a child at the conference stage: referred 2 April
2026, assessed, a joint section 47 after the strategy discussion of 21 August 2026, and
an initial conference set for Wednesday 9 September 2026 (its report due to the chair 3
working days before, Friday 4 September)."""

from __future__ import annotations

import re
import zlib

import pytest

from hearth.casework import services as cs
from hearth.casework.models import Conference, Section47Enquiry
from hearth.casework.tests.conftest import (  # noqa: F401  (fixtures)
    D,
    _clock,
    _fresh_local_settings,
    at,
    cw,
)


def pdf_text(data: bytes) -> bytes:
    """The PDF's bytes with every compressed stream inflated, to search for text
    written in the document's metadata (its title names the child)."""
    parts = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def conference_stage(cw) -> Conference:  # noqa: F811
    episode = cw.episode()
    assessment = cs.assessment_start(
        acting_user=cw.worker, episode=episode, started_on=D(2026, 4, 7)
    )
    cs.assessment_update(
        acting_user=cw.worker,
        assessment=assessment,
        expected_version=assessment.version,
        child_voice="Amelia said: “I like it at Nana's, she reads to me.”",
        family_views="Mum wants help with the housing.",
        professional_views="School worry about bruising.",
        analysis="Needs protection: repeated injuries, no explanation.",
        factors=["18C", "3B"],
        outcome="strategy_discussion",
    )
    cs.assessment_child_seen(
        acting_user=cw.worker, assessment=assessment, seen_on=D(2026, 4, 9), alone=True
    )
    cs.strategy_discussion_record(
        acting_user=cw.worker,
        episode=episode,
        held_at=at(2026, 8, 21),
        decision="s47_joint",
        attendees=cw.attendees(),
    )
    return cs.conference_schedule(
        acting_user=cw.chair,
        episode=episode,
        kind="initial",
        section47=Section47Enquiry.objects.get(episode=episode),
        scheduled_on=D(2026, 9, 9),
        chair=cw.chair,
        invitees=cw.attendees(),
        reports=[{"author": "Sam Rivers", "agency": "social_care"}],
    )


@pytest.fixture
def conference(cw) -> Conference:  # noqa: F811
    return conference_stage(cw)
