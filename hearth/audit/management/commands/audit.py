"""`hearth audit verify`: check the audit log's hash chain end to end."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.audit.models import AuditEvent
from hearth.audit.services import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `verify` reports every break in the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditEvent.objects.count()
        breaks = list(verify_chain())
        for b in breaks:
            self.stderr.write(f"Entry {b.event_id}: {b.reason}")
        if breaks:
            named = ", ".join(f"entry {b.event_id}" for b in breaks[:10])
            more = f" and {len(breaks) - 10} more" if len(breaks) > 10 else ""
            raise CommandError(
                f"Audit log broken at {len(breaks)} point(s) in {total} entries: {named}{more}."
            )
        self.stdout.write(f"Audit log intact: {total} entries verified.")
