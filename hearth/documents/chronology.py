"""Manual chronology entries as a source of the child's chronology."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from hearth.casework.chronology import Entry, EntryType, Provider, Window, register
from hearth.documents.models import ManualChronologyEntry


def _manual(person_id: int, window: Window) -> Iterable[Entry]:
    rows = (
        ManualChronologyEntry.objects.filter(person_id=person_id)
        .filter(window.dates("occurred_on"))
        .select_related("author")
    )
    for m in rows:
        detail = m.detail + (f"\nSource: {m.source}" if m.source else "")
        by = (m.author.full_name or m.author.email) if m.author else ""
        yield Entry(m.occurred_on, "manual", m.title, detail.strip(), by=by)


def register_manual_entries() -> None:
    register(
        Provider(
            "documents.manual",
            (EntryType("manual", "Added by hand"),),
            _manual,
            add_label="Add an event to the chronology",
            add_url=lambda person_id: reverse("documents:chronology_entry_new", args=[person_id]),
        )
    )
