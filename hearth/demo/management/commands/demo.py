"""`hearth demo [--children N]`: a synthetic authority (if empty) and the demo logins.

Safe to run again: it generates only when nobody is on record yet and creates only the
logins that are missing, then prints them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hearth.demo.services import DEMO_PASSWORD, demo_logins_ensure, demo_setup


class Command(BaseCommand):
    help = "Set up a demonstration: a synthetic local authority and demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, default=2000, help="children to generate")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        progress = self.stdout if options["verbosity"] > 1 else None
        summary = demo_setup(
            children=options["children"],
            seed=options["seed"],
            out=progress,
        )
        if summary is None:
            self.stdout.write("People are already on record: using them as they are.")
        else:
            self.stdout.write(
                f"Generated a synthetic local authority: {summary.children:,} children, "
                f"{summary.persons:,} persons, {summary.staff:,} staff in {summary.teams} teams "
                f"({summary.seconds:.1f} seconds)."
            )
            self.stdout.write(f"Realism: {summary.rates()}.")
        logins = demo_logins_ensure()
        rows = [("Role", "Email", "Name", "")] + [
            (login.label, login.user.email, login.user.full_name, login.note) for login in logins
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("")
        self.stdout.write("Demo logins (synthetic data only):")
        for i, row in enumerate(rows):
            cells = [row[c].ljust(widths[c]) for c in range(3)]
            self.stdout.write("  " + "  ".join([*cells, row[3]]).rstrip())
            if i == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        self.stdout.write("")
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
