"""`hearth demo-data --children N --seed S`: generate a deterministic synthetic authority."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hearth.demo.generator import generate


class Command(BaseCommand):
    help = "Generate a synthetic local authority: teams, staff, families and their children."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, default=2000, help="children to generate")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")

    def handle(self, *args: Any, **options: Any) -> None:
        children, seed = options["children"], options["seed"]
        if children < 1:
            self.stderr.write("--children must be at least 1")
            raise SystemExit(2)
        progress = self.stdout if options["verbosity"] > 0 else None
        summary = generate(children=children, seed=seed, out=progress)
        for line in summary.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(f"  {summary.rates()}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {summary.children:,} children (seed {seed}) "
                f"in {summary.seconds:.1f} seconds"
            )
        )
