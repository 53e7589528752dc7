"""The due-date component in a browser: accessible closed and open (axe-core)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.template import Context, Template

from hearth.testing.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@time_machine.travel(dt.datetime(2027, 1, 18, 12, tzinfo=dt.UTC), tick=False)
def test_due_component_is_accessible_closed_and_open(page):
    html = Template(
        "{% load timescales %}"
        "<h1>Conference</h1>"
        "<p>Initial conference due: {% due 'cp.icpc' start %}</p>"
        "<p>Next visit due: {% due 'cp.visit' plan last=visit %}</p>"
    ).render(
        Context(
            {
                "start": dt.date(2026, 12, 18),
                "plan": dt.date(2026, 12, 2),
                "visit": dt.date(2026, 12, 18),
            }
        )
    )
    page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>Due dates</title></head>'
        f"<body><main>{html}</main></body></html>"
    )
    assert_accessible(page)
    summary = page.get_by_text("How this date is worked out").first
    details = page.locator("details").first
    assert not details.evaluate("d => d.open")
    summary.click()
    assert details.evaluate("d => d.open")
    assert page.get_by_text("15 working days after the strategy discussion").is_visible()
    assert page.get_by_text("Overdue by 3 working days").is_visible()
    assert_accessible(page)
