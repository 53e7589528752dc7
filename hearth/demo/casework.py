"""Demo data: the case histories that follow referrals (assessments, strategy
discussions, section 47 enquiries, conferences, plans, visits, notes).

Runs after `step_contacts` in the generator's PIPELINE.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hearth.demo.generator import Context


def step_casework(ctx: Context) -> None:
    """Not written yet: the step is wired into the pipeline so its module can grow alone."""
