"""Case supervision decisions on the child's chronology: a provider for casework's
registry (`hearth.casework.chronology`), registered in `WorkforceConfig.ready()` so that
casework never imports workforce. Entries share casework's "supervision" type, so the
chronology's filter shows one "Supervision and management decisions" choice."""

from __future__ import annotations

from collections.abc import Iterable

from hearth.casework.chronology import Entry, EntryType, Provider, Window, register
from hearth.workforce.models import CaseDiscussion, SupervisionKind

ENTRY_TYPE = EntryType("supervision", "Supervision and management decisions")


def supervision_entries(person_id: int, window: Window) -> Iterable[Entry]:
    discussions = (
        CaseDiscussion.objects.filter(person_id=person_id, supervision__kind=SupervisionKind.CASE)
        .filter(window.dates("supervision__held_on"))
        .select_related("supervision__worker", "supervision__supervisor")
        .prefetch_related("actions__owner")
    )
    for d in discussions:
        actions = "; ".join(
            f"{a.description} ({a.owner.full_name}, by {a.due_on:%-d %B %Y})"
            for a in d.actions.all()
        )
        detail = d.decisions + (f" Actions: {actions}." if actions else "")
        yield Entry(
            on=d.supervision.held_on,
            kind=ENTRY_TYPE.key,
            title=f"Case supervision of {d.supervision.worker.full_name}",
            detail=detail,
            by=d.supervision.supervisor.full_name,
        )


def register_supervision() -> None:
    register(Provider("workforce.supervision", (ENTRY_TYPE,), supervision_entries))
