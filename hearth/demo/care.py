"""Demo data: children in care (periods of care, placements, carers, reviews, visits,
health, education, care leavers, adoption).

Runs after `step_contacts` in the generator's PIPELINE.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hearth.demo.generator import Context


def step_care(ctx: Context) -> None:
    """Not written yet: the step is wired into the pipeline so its module can grow alone."""
