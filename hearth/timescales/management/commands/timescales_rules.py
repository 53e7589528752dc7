"""`hearth timescales-rules`: list the timescale rules (and check the rule files load)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hearth.timescales.engine import rulebook


class Command(BaseCommand):
    help = "List the timescale rules with their timescales, validity and sources."

    def handle(self, *args: Any, **options: Any) -> None:
        book = rulebook()
        for r in book.all_rules():
            valid = f"{r.valid_from or '…'} to {r.valid_to or '…'}"
            kind = "local" if r.local else "statutory"
            repeat = f"; then {r.repeat.offset.describe()}" if r.repeat else ""
            self.stdout.write(
                f"{r.code}  {r.title}  [{kind}; {valid}]\n"
                f"    {r.offset.describe()} from {book.event_label(r.starts_on)}{repeat}\n"
                f"    {r.source}\n"
            )
