# ruff: noqa: N999 -- the module name is the command name: `hearth import`
"""`hearth import persons FILE.csv [--relationships REL.csv] [--system NAME] [--strict]`:
bring people (and their relationships) over from the system an authority is leaving.

The file layout is in docs/import.md. Safe to run again: rows are matched on the
source system's ids, so an unchanged row changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.people.imports import DEFAULT_SYSTEM, ImportFileError, import_persons
from hearth.people.models import ExternalId

_SYSTEM_MAX = ExternalId._meta.get_field("system").max_length or 50


class Command(BaseCommand):
    help = (
        "Import records from another system's CSV export (layout in docs/import.md). "
        "`persons FILE.csv`: people, keyed on the source system's ids; rejected rows are "
        "reported by line and the rest are imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["persons"], help="What the file holds")
        parser.add_argument("file", help="The persons CSV file")
        parser.add_argument(
            "--relationships", metavar="REL.csv", help="A CSV file of relationships between them"
        )
        parser.add_argument(
            "--system",
            default=DEFAULT_SYSTEM,
            help=f"Name of the system the ids come from (default “{DEFAULT_SYSTEM}”)",
        )
        parser.add_argument(
            "--strict", action="store_true", help="Exit non-zero if any row was rejected"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        system = options["system"].strip()
        if not system or len(system) > _SYSTEM_MAX:
            raise CommandError(f"--system must be 1 to {_SYSTEM_MAX} characters")
        relationships = options["relationships"]
        try:
            report = import_persons(
                Path(options["file"]),
                system=system,
                relationships=Path(relationships) if relationships else None,
            )
        except ImportFileError as e:
            raise CommandError(str(e)) from e
        for warning in report.warnings:
            self.stderr.write(f"Warning: {warning}")
        for rejection in report.rejections:
            for line in rejection.lines():
                self.stdout.write(line)
        self.stdout.write(f"Persons: {report.persons}")
        if relationships:
            self.stdout.write(f"Relationships: {report.relationships}")
        if options["strict"] and report.rejected:
            raise CommandError(f"{report.rejected} row(s) rejected (--strict)")
