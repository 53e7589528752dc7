from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Figures are cached for a few minutes; each test starts from its own data.
    cache.clear()
    yield
    cache.clear()
