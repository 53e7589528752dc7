"""PDFs from HTML: tagged for screen readers when asked, and the cycle collector (paused
while WeasyPrint works) left as it was found."""

from __future__ import annotations

import datetime as dt
import gc
from zoneinfo import ZoneInfo

from hearth.casework.chronology import Entry
from hearth.casework.chronology_views import chronology_pdf_bytes, chronology_pdf_html
from hearth.documents.pdf import html_to_pdf
from hearth.people.models import Person

from .conftest import pdf_text

LONDON = ZoneInfo("Europe/London")


def _child() -> Person:
    # Not saved: the PDF reads only the name, local id and date of birth.
    return Person(
        local_id="TEST0001",
        given_name="Amelia",
        family_name="Okafor",
        date_of_birth=dt.date(2019, 3, 14),
    )


def _entries(n: int) -> list[Entry]:
    """Entries of every shape the template prints: timed or not, with the child's
    words on a line of their own, with and without a detail or an author."""
    start = dt.datetime(2025, 1, 6, 10, tzinfo=LONDON)
    words = (
        "Visited at home after school. Amelia showed me her room and her drawings; the "
        "house was warm and there was food in the fridge. Mum said things were calmer."
    )
    out = []
    for i in range(n):
        at = start + dt.timedelta(days=4 * i)
        if i % 3 == 0:
            out.append(
                Entry(at.date(), "manual", f"Family event {i}", "Reported by the GP.\nSource: GP")
            )
        elif i % 3 == 1:
            detail = f"The child said: “I got a gold star on day {i}.”\n{words}"
            out.append(
                Entry(at.date(), "note", "Home visit: child seen alone", detail, "Sam Worker", at)
            )
        else:
            out.append(Entry(at.date(), "referral", "Referral: child in need episode opened"))
    return out


def test_a_pdf_asked_for_tagged_carries_the_chronology_s_structure():
    html = chronology_pdf_html(_child(), _entries(6), "All entries")
    assert b"/StructTreeRoot" not in pdf_text(chronology_pdf_bytes(_child(), [], "All entries"))
    data = pdf_text(html_to_pdf(html, tagged=True))
    assert b"/StructTreeRoot" in data
    assert b"/MarkInfo" in data
    for tag in (b"/H1", b"/Table", b"/TH", b"/TD"):
        assert tag in data, tag
    assert b"Amelia Okafor" in data  # the title, in the metadata


def test_the_cycle_collector_is_left_as_it_was_found():
    html = "<!DOCTYPE html><html lang='en'><title>t</title><h1>Heading</h1><p>Text</p></html>"
    assert gc.isenabled()
    html_to_pdf(html)
    assert gc.isenabled()
    gc.disable()
    try:
        html_to_pdf(html)
        assert not gc.isenabled()
    finally:
        gc.enable()
