"""The GOV.UK-style error pages render, with and without a request."""

import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db


def test_page_not_found(f, login):
    c = login(f.user("social_worker", team=f.team()))
    r = c.get("/no-such-page/")
    assert r.status_code == 404
    assert b'<h1 class="govuk-heading-l">Page not found</h1>' in r.content
    assert b'id="header-search"' in r.content  # the layout, with the user's search box


def test_forbidden(f, login):
    child = f.person()
    c = login(f.user("reviewing_officer"))  # sees every record, changes none
    r = c.get(f"/people/{child.pk}/edit/")
    assert r.status_code == 403
    assert b"You cannot do this" in r.content


def test_server_error_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in html
    assert "Sign out" not in html
