"""Writing to the audit log, and checking that nobody has altered it.

Every entry's hash covers its content and the previous entry's hash, so changing,
removing or inserting an entry breaks the chain at that point. Writers take a lock
(PostgreSQL advisory lock; SQLite's write lock) so the chain stays a single line.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone

from hearth.audit.middleware import request_context
from hearth.audit.models import Action, AuditEvent

if TYPE_CHECKING:
    from hearth.accounts.models import User

GENESIS = "0" * 64
_CHAIN_LOCK_KEY = 7_240_301  # any fixed number; names the audit chain's advisory lock


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value that reads back identically."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The audited field values of a row, for before/after comparison."""
    names = (
        list(fields)
        if fields is not None
        else [f.attname for f in obj._meta.concrete_fields if f.attname not in {"id", "version"}]
    )
    return {name: _plain(getattr(obj, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def _entry_hash(prev_hash: str, content: dict[str, Any]) -> str:
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _content(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": _plain(event.at),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "event": event.event,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "person_id": event.person_id,
        "changes": event.changes,
        "data": event.data,
        "request_id": event.request_id,
        "ip": event.ip,
    }


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def audit_record(
    *,
    actor: User | None,
    action: str,
    event: str,
    obj: models.Model | None = None,
    person_id: int | None = None,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one entry to the audit log (inside the caller's transaction if any)."""
    context = request_context.get() or {}
    entry = AuditEvent(
        at=timezone.now(),
        actor_id=actor.pk if actor is not None and actor.pk else None,
        actor_label=(actor.full_name or actor.email)
        if actor is not None and actor.pk
        else "system",
        action=action,
        event=event,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        person_id=person_id,
        changes=_plain(changes or {}),
        data=_plain(data or {}),
        request_id=context.get("request_id", ""),
        ip=context.get("ip", ""),
    )
    # No savepoint: an entry that cannot be written undoes the caller's whole change,
    # and two fewer round trips per write.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        entry.prev_hash = last or GENESIS
        entry.hash = _entry_hash(entry.prev_hash, _content(entry))
        entry.save()
    return entry


def audit_change(
    *,
    actor: User | None,
    obj: models.Model,
    before: dict[str, Any] | None,
    person_id: int | None,
    event: str | None = None,
) -> AuditEvent:
    """Record a create (before is None) or an update, with the changed fields."""
    after = snapshot(obj, before.keys() if before else None)
    action = Action.CREATE if before is None else Action.UPDATE
    changes = diff(before or {}, after)
    name = event or f"{obj._meta.label_lower}.{action}"
    return audit_record(
        actor=actor, action=action, event=name, obj=obj, person_id=person_id, changes=changes
    )


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


def verify_chain(batch_size: int = 5000) -> Iterator[ChainBreak]:
    """Walk the whole log in order and yield every point where the chain is broken."""
    prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != prev:
            yield ChainBreak(
                event.pk, "does not follow the entry before it (an entry was removed or inserted)"
            )
        expected = _entry_hash(event.prev_hash, _content(event))
        if expected != event.hash:
            yield ChainBreak(
                event.pk, "its content no longer matches its hash (the entry was altered)"
            )
        prev = event.hash


__all__ = ["Action", "audit_change", "audit_record", "diff", "snapshot", "verify_chain"]
