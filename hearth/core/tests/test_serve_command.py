"""`hearth serve` runs Django's development server, on 127.0.0.1:8000 unless told."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from hearth.core.management.commands import serve


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    seen: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: seen.append((a, k)))
    return seen


def test_serve_defaults_to_localhost_port_8000(calls):
    call_command("serve")
    assert calls == [(("runserver", "127.0.0.1:8000"), {"use_reloader": True})]


def test_serve_takes_an_address_and_port(calls):
    call_command("serve", "0.0.0.0:9000", "--noreload")
    assert calls == [(("runserver", "0.0.0.0:9000"), {"use_reloader": False})]
