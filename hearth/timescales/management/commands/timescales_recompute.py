"""`hearth timescales-recompute`: recompute every stored due date (after an upgrade
that changes a rule file, or to repair dates)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from hearth.timescales import registry


class Command(BaseCommand):
    help = "Recompute the stored due dates of every app registered with the timescale engine."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            counts = registry.recompute(registry.RecomputeScope())
        for name, changed in counts.items():
            self.stdout.write(f"{name}: {changed} changed")
        if not counts:
            self.stdout.write("No apps are registered with the timescale engine.")
