"""`hearth people dedupe [--threshold P]`: find records that may be one person
recorded twice, and put them in the duplicate review queue (nothing is merged)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.people.dedupe import THRESHOLD, dedupe_run


class Command(BaseCommand):
    help = (
        "People records. `dedupe`: score every record against the others with Splink "
        "(DuckDB) and put the likely duplicates in the duplicate review queue for a "
        "person to decide; nothing is merged automatically."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["dedupe"], help="What to do")
        parser.add_argument(
            "--threshold",
            type=float,
            default=THRESHOLD,
            help=f"Match probability from which a pair is queued (default {THRESHOLD})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        threshold = options["threshold"]
        if not 0 < threshold < 1:
            raise CommandError("--threshold must be between 0 and 1, e.g. 0.95")
        summary = dedupe_run(threshold=threshold, progress=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.persons:,} records scored in {summary.seconds['total']:.0f} s; "
                f"{summary.pairs:,} likely duplicate pairs"
            )
        )
