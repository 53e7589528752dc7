"""Demo data: the workforce (FTE, leave, supervision histories, duty rotas, caseload weights).

Runs after `step_contacts` in the generator's PIPELINE.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hearth.demo.generator import Context


def step_workforce(ctx: Context) -> None:
    """Not written yet: the step is wired into the pipeline so its module can grow alone."""
