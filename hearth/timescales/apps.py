from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class TimescalesConfig(AppConfig):
    name = "hearth.timescales"
    label = "timescales"
    verbose_name = "Timescales"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from hearth.timescales.calendar import invalidate_calendar
        from hearth.timescales.engine import invalidate_local_values
        from hearth.timescales.models import LocalClosure, LocalTarget

        # Cache invalidation only (no writes): however a row changes — service, admin,
        # shell or fixture — this process stops using its old copy at once.
        def closures_changed(**_: Any) -> None:
            invalidate_calendar()

        def targets_changed(**_: Any) -> None:
            invalidate_local_values()

        for signal in (post_save, post_delete):
            signal.connect(closures_changed, sender=LocalClosure, weak=False)
            signal.connect(targets_changed, sender=LocalTarget, weak=False)
