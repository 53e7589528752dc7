"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest
from django.test import Client

from hearth.accounts.models import User
from hearth.testing import factories
from hearth.testing.browser import browser, console, page  # noqa: F401
from hearth.testing.database import _audit_log_flushable  # noqa: F401


@pytest.fixture
def login(client: Client):
    """Sign a user in on the test client (two-factor marked as passed)."""

    def _login(user: User) -> Client:
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def f():
    """The shared test-data builders."""
    return factories
