"""Base model parts shared by every app."""

from __future__ import annotations

from typing import Any

from django.db import models


class ConflictError(Exception):
    """Someone else saved this record after it was opened: the save is refused."""


class Versioned(models.Model):
    """Optimistic concurrency: a save names the version it was edited from.

    `save_versioned` updates the row only if the version in the database is still the
    one the editor started from; otherwise it raises ConflictError and writes nothing,
    so the first person's change is kept and the second person is told.
    """

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    def save_versioned(self, *, expected_version: int, fields: list[str]) -> None:
        model = type(self)
        values: dict[str, Any] = {f: getattr(self, f) for f in fields}
        updated = model._default_manager.filter(pk=self.pk, version=expected_version).update(
            version=models.F("version") + 1, **values
        )
        if updated != 1:
            raise ConflictError(
                "This record was changed by someone else after you opened it. "
                "Your changes have not been saved: reload the page to see the latest "
                "version, then make your changes again."
            )
        self.version = expected_version + 1
