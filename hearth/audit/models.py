"""The audit log: append-only, each entry chained to the one before by a hash."""

from __future__ import annotations

from typing import Any

from django.db import models


class Action(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    EXPORT = "export", "Exported"
    BREAK_GLASS = "break_glass", "Opened a restricted record"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed to sign in"
    IMPORT = "import", "Imported"


class AppendOnlyError(Exception):
    pass


class AuditEvent(models.Model):
    """One thing that happened. Never updated or deleted (database triggers refuse it).

    `actor_id` and `person_id` are plain numbers, not foreign keys, so that nothing
    elsewhere (a user or person being merged or removed) can cascade into the log.
    """

    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True)
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=20, choices=Action.choices)
    event = models.CharField(
        max_length=80, help_text="Dotted event code, e.g. people.person.update"
    )
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    person_id = models.BigIntegerField(null=True, help_text="The person whose record this concerns")
    changes = models.JSONField(default=dict, blank=True, help_text="{field: [before, after]}")
    data = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["person_id", "-at"], name="audit_person_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.event}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Audit events cannot be deleted")
