"""The audit log: a hash chain the database will not let anyone change, a verifier that
finds tampering, and the entries that viewing, searching and editing leave."""

from __future__ import annotations

import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from hearth.audit.models import Action, AppendOnlyError, AuditEvent
from hearth.audit.services import GENESIS, audit_record

pytestmark = pytest.mark.django_db


def _entries(n: int) -> list[AuditEvent]:
    return [
        audit_record(
            actor=None,
            action=Action.CREATE,
            event="test.entry",
            person_id=i,
            changes={"family_name": ["Before", f"After {i}"]},
            data={"n": i, "note": "ünïcode ✓"},
        )
        for i in range(n)
    ]


def _drop_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")
        elif connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_event_no_change ON audit_auditevent")
        else:  # pragma: no cover
            pytest.skip(f"no append-only triggers on {connection.vendor}")


def _verify() -> None:
    call_command("audit", "verify", stdout=io.StringIO(), stderr=io.StringIO())


def test_entries_form_a_chain():
    entries = _entries(5)
    stored = list(AuditEvent.objects.order_by("id"))
    assert [e.pk for e in stored] == [e.pk for e in entries]
    assert stored[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(stored):
        assert after.prev_hash == before.hash
    assert len({e.hash for e in stored}) == 5


def test_verify_passes_on_an_intact_log():
    _entries(4)
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact: 4 entries" in out.getvalue()


def test_verify_passes_on_an_empty_log():
    _verify()


def test_database_refuses_update_and_delete():
    entry = _entries(2)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=entry.pk).update(actor_label="someone else")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET data = %s WHERE id = %s", ["{}", entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.actor_label == "system"
    assert AuditEvent.objects.count() == 2
    _verify()


def test_model_refuses_save_of_an_existing_entry_and_delete():
    entry = _entries(1)[0]
    entry.actor_label = "someone else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEvent.objects.get(pk=entry.pk).actor_label == "system"


@pytest.mark.parametrize(
    ("column", "value"),
    [("changes", '{"family_name": ["Before", "Forged"]}'), ("data", '{"n": 99}')],
)
def test_verify_detects_an_altered_entry(column, value):
    entries = _entries(5)
    victim = entries[2]
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, victim.pk]
        )
    with pytest.raises(CommandError, match=rf"\bentry {victim.pk}\b"):
        _verify()


def test_verify_detects_a_removed_entry():
    entries = _entries(5)
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [entries[2].pk])
    # The break shows at the entry after the gap.
    with pytest.raises(CommandError, match=rf"\bentry {entries[3].pk}\b"):
        _verify()


def test_verify_reports_every_break_on_stderr():
    entries = _entries(4)
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["x", entries[1].pk]
        )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=io.StringIO(), stderr=err)
    assert f"Entry {entries[1].pk}:" in err.getvalue()
    assert "altered" in err.getvalue()


# What pages write to the log -----------------------------------------------------------


@pytest.fixture
def family(f):
    team = f.team()
    worker = f.user("social_worker", team=team, full_name="Wendy Worker")
    manager = f.user("team_manager", team=team, full_name="Maria Manager")
    child = f.person(given_name="Amelia", family_name="Okafor")
    f.involve(child, team, worker)
    return worker, manager, child


def test_viewing_a_person_writes_a_view_entry(family, login):
    worker, _, child = family
    login(worker).get(f"/people/{child.pk}/")
    entry = AuditEvent.objects.get(action=Action.VIEW)
    assert entry.person_id == child.pk
    assert entry.actor_id == worker.pk
    assert entry.object_type == "people.person" and entry.object_id == str(child.pk)
    assert entry.request_id


def test_a_refused_view_writes_no_view_entry(family, f, login):
    _, _, child = family
    stranger = f.user("social_worker", team=f.team())
    assert login(stranger).get(f"/people/{child.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()


def test_search_writes_a_search_entry(family, login):
    worker, _, _ = family
    login(worker).get("/people/?q=okafor")
    entry = AuditEvent.objects.get(action=Action.SEARCH)
    assert entry.actor_id == worker.pk
    assert entry.data == {"q": "okafor", "results": 1}


def test_edit_writes_an_update_with_before_and_after(family, login):
    worker, _, child = family
    r = login(worker).post(
        f"/people/{child.pk}/edit/",
        {
            "version": child.version,
            "kind": "child",
            "given_name": "Amelia",
            "family_name": "Okafor-Smith",
            "sex": "F",
            "date_of_birth_0": "4",
            "date_of_birth_1": "5",
            "date_of_birth_2": "2016",
            "nhs_number": "943 476 5919",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    entry = AuditEvent.objects.get(action=Action.UPDATE, event="people.person.update")
    assert entry.person_id == child.pk
    assert entry.actor_id == worker.pk
    assert entry.changes["family_name"] == ["Okafor", "Okafor-Smith"]
    assert entry.changes["nhs_number"] == ["", "9434765919"]
    assert "given_name" not in entry.changes  # unchanged fields are not listed
    _verify()


def test_record_access_page_lists_who_viewed_and_changed(family, login, client):
    worker, manager, child = family
    c = login(worker)
    c.get(f"/people/{child.pk}/")
    c.post(
        f"/people/{child.pk}/edit/",
        {
            "version": child.version,
            "kind": "child",
            "given_name": "Amelia",
            "family_name": "Okafor-Smith",
            "sex": "F",
        },
    )
    c.get("/people/?q=okafor")
    r = login(manager).get(f"/people/{child.pk}/record-access/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Wendy Worker" in html
    assert "Viewed" in html and "Changed" in html
    assert "Okafor-Smith" in html
    assert "Searched" not in html
    # The manager's own look at the history is itself logged.
    assert AuditEvent.objects.filter(
        actor_id=manager.pk, person_id=child.pk, event="people.person.view.access_history"
    ).exists()
