"""`{% due %}`: the date, its status in working days, and the rule behind it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.template import Context, Template
from django.test import RequestFactory

from hearth.timescales.models import LocalClosure

D = dt.date
pytestmark = pytest.mark.django_db


def render(text: str, **context) -> str:
    return Template("{% load timescales %}" + text).render(Context(context))


# The strategy discussion on Fri 18 Dec 2026 puts the conference due on Wed 13 Jan 2027.
ICPC = '{% due "cp.icpc" start date=stored met=met %}'


@time_machine.travel(dt.datetime(2027, 1, 11, 12, tzinfo=dt.UTC), tick=False)
def test_upcoming_with_its_rule_and_source():
    html = render(ICPC, start=D(2026, 12, 18), stored=None, met=None)
    assert 'datetime="2027-01-13"' in html
    assert "13 January 2027" in html
    assert "govuk-tag--yellow" in html
    assert "2 working days left" in html
    assert '<details class="govuk-details' in html
    assert "How this date is worked out" in html
    assert "Initial child protection conference" in html
    assert "15 working days after the strategy discussion" in html
    assert "18 December 2026" in html  # counted from
    assert "Working Together to Safeguard Children 2023" in html
    assert 'href="https://www.gov.uk/government/publications/working-together' in html
    # The same explanation on hover.
    assert 'title="Initial child protection conference: 15 working days' in html


@time_machine.travel(dt.datetime(2027, 1, 18, 12, tzinfo=dt.UTC), tick=False)
def test_overdue():
    html = render(ICPC, start=D(2026, 12, 18), stored=None, met=None)
    assert "Overdue by 3 working days" in html
    assert "govuk-tag--red" in html


@time_machine.travel(dt.datetime(2027, 1, 18, 12, tzinfo=dt.UTC), tick=False)
def test_met_and_late():
    assert "Done in time" in render(ICPC, start=D(2026, 12, 18), stored=None, met=D(2027, 1, 13))
    late = render(ICPC, start=D(2026, 12, 18), stored=None, met=D(2027, 1, 15))
    assert "Done 2 working days late" in late


@time_machine.travel(dt.datetime(2027, 1, 13, 12, tzinfo=dt.UTC), tick=False)
def test_shows_the_stored_date():
    html = render(ICPC, start=D(2026, 12, 18), stored=D(2027, 1, 14), met=None)
    assert 'datetime="2027-01-14"' in html
    assert "1 working day left" in html


def test_not_started():
    assert "Not started" in render(ICPC, start=None, stored=None, met=None)
    assert "14 January 2027" in render(ICPC, start=None, stored=D(2027, 1, 14), met=None)


@time_machine.travel(dt.datetime(2026, 12, 21, 12, tzinfo=dt.UTC), tick=False)
def test_local_rule_repeating_from_the_last_visit():
    html = render(
        '{% due "cp.visit" plan_start last=last_visit %}',
        plan_start=D(2026, 12, 2),
        last_visit=D(2026, 12, 18),
    )
    assert "6 January 2027" in html
    assert "(local practice)" in html
    assert "Hearth&#x27;s default" in html or "Hearth's default" in html
    assert "10 working days after the last child protection visit" in html


@time_machine.travel(dt.datetime(2026, 12, 21, 12, tzinfo=dt.UTC), tick=False)
def test_one_reading_of_local_settings_per_request(django_assert_max_num_queries):
    LocalClosure.objects.create(date=D(2026, 12, 29), reason="Christmas closure")
    request = RequestFactory().get("/")
    template = Template(
        "{% load timescales %}{% for d in starts %}{% due 'cp.icpc' d %}{% endfor %}"
    )
    with django_assert_max_num_queries(2):  # closure days, local targets
        html = template.render(Context({"request": request, "starts": [D(2026, 12, 18)] * 5}))
    # Fri 18 Dec + 15 with 29 Dec closed: 21-24, 30-31, 4-8, 11-14 Jan.
    assert html.count("14 January 2027") == 5
