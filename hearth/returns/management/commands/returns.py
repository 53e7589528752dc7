"""`hearth returns cin --year 2026`: write a statutory return from the record.

    hearth returns cin --year 2026 [--out FILE] [--strict]
    hearth returns run EXPORT_ID        (the background worker the returns page starts)

Hearth's own checks (DfE rule codes) run as the file is written; a summary is printed,
and with --strict any error (not a query) makes the command exit non-zero, listing the
children and rules to fix. Records that fail are still written and listed, never dropped.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.returns.cin import la_number
from hearth.returns.models import ReturnExport, ReturnFinding, ReturnKind
from hearth.returns.services import export_create, export_dir, export_run

KINDS = {"cin": ReturnKind.CIN, "ssda903": ReturnKind.SSDA903, "annex-a": ReturnKind.ANNEX_A}


class Command(BaseCommand):
    help = "Statutory returns: cin, ssda903, annex-a; `run ID` runs a queued export."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=[*KINDS, "run"])
        parser.add_argument("export_id", nargs="?", type=int)
        parser.add_argument("--year", type=int, help="Collection year: 2026 is 2025 to 2026")
        parser.add_argument("--date", help="Annex A: the inspection date (YYYY-MM-DD)")
        parser.add_argument("--out", help="Where to write the file")
        parser.add_argument("--strict", action="store_true", help="Exit non-zero if any rule fails")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "run":
            if not options["export_id"]:
                raise CommandError("Give the export's number: hearth returns run ID")
            export_run(export_id=options["export_id"])
            return
        kind = KINDS[options["what"]]
        on_date = None
        if kind == ReturnKind.ANNEX_A:
            import datetime as dt

            if not options["date"]:
                raise CommandError("Give the inspection date: --date YYYY-MM-DD")
            try:
                on_date = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"Not a date: {options['date']}") from exc
        elif not options["year"]:
            raise CommandError("Give the collection year: --year 2026 (for 2025 to 2026)")
        if kind == ReturnKind.CIN:
            try:
                la_number()  # before any work: a real authority's number is never guessed
            except ImproperlyConfigured as exc:
                raise CommandError(str(exc)) from exc
        export = export_create(acting_user=None, kind=kind, year=options["year"], on_date=on_date)
        export = export_run(export_id=export.pk)
        made = export_dir() / export.file_name
        target = made
        if options["out"]:
            target = Path(options["out"])
            target.parent.mkdir(parents=True, exist_ok=True)
            made.replace(target)
        self.stdout.write(
            f"Wrote {target}: {export.total} records, {export.errors} errors, "
            f"{export.queries} queries."
        )
        self._summary(export, strict=options["strict"])

    def _summary(self, export: ReturnExport, *, strict: bool) -> None:
        findings = ReturnFinding.objects.filter(export=export)
        counts = Counter(findings.values_list("code", "message"))
        for (code, message), n in sorted(counts.items()):
            self.stdout.write(f"  {code:>6}  {n:>6}  {message}")
        if strict and export.errors:
            errors = findings.filter(is_query=False)
            sample = ", ".join(f"{f.child} ({f.code})" for f in errors[:10])
            more = f" and {export.errors - 10} more" if export.errors > 10 else ""
            raise CommandError(
                f"{export.errors} errors in the return: {sample}{more}. "
                "Fix them on the data quality page, then export again."
            )
