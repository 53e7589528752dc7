"""The chronology page, printable, and its PDF. Access is checked through the casework
policy like every case page; each view and each export is recorded in the audit log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone

from hearth.audit.models import Action
from hearth.audit.services import audit_record
from hearth.casework import chronology as chron
from hearth.casework.views import _gate, _guarded, _user
from hearth.core.forms import DateField
from hearth.documents.pdf import html_to_pdf
from hearth.people.models import Person
from hearth.people.services import person_view_record


class ChronologyFilter(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Show", required=False, widget=forms.CheckboxSelectMultiple
    )
    since = DateField(label="From", required=False)
    until = DateField(label="To", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(t.key, t.label) for t in chron.entry_types()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end of the date range must be after its start")
        return data


def _filtered(request: HttpRequest, person_id: int) -> tuple[ChronologyFilter, list[chron.Entry]]:
    form = ChronologyFilter(request.GET or None)
    if request.GET and not form.is_valid():
        return form, chron.chronology(person_id)
    data = form.cleaned_data if request.GET else {}
    entries = chron.chronology(
        person_id,
        kinds=data.get("kinds") or None,
        since=data.get("since"),
        until=data.get("until"),
    )
    return form, entries


def _described(form: ChronologyFilter) -> str:
    """The filter in words, for the printed and PDF copies."""
    if not form.is_bound or not form.is_valid():
        return "All entries"
    d = form.cleaned_data
    labels = dict(form.fields["kinds"].choices)  # type: ignore[attr-defined]
    parts = [", ".join(str(labels[k]) for k in d["kinds"])] if d.get("kinds") else ["All entries"]
    if d.get("since"):
        parts.append(f"from {d['since']:%d/%m/%Y}")
    if d.get("until"):
        parts.append(f"to {d['until']:%d/%m/%Y}")
    return " ".join(parts)


@_guarded
def chronology(request: HttpRequest, person_id: int) -> HttpResponse:
    access = _gate(request, person_id)
    person = get_object_or_404(Person, pk=person_id)
    person_view_record(acting_user=_user(request), person=person, page="chronology")
    form, entries = _filtered(request, person_id)
    adds = [
        (p.add_label, p.add_url(person_id))
        for p in chron.providers()
        if p.add_url is not None and access.edit
    ]
    return render(
        request,
        "casework/chronology.html",
        {
            "person": person,
            "form": form,
            "entries": entries,
            "adds": adds,
            "described": _described(form),
            "query": request.GET.urlencode(),
        },
    )


def chronology_pdf_html(person: Person, entries: list[chron.Entry], described: str) -> str:
    """The HTML the PDF is made from: a table, the child named on every page."""
    return render_to_string(
        "casework/chronology_pdf.html",
        {
            "person": person,
            "entries": entries,
            "described": described,
            "printed_at": timezone.localtime(),
        },
    )


def chronology_pdf_bytes(person: Person, entries: list[chron.Entry], described: str) -> bytes:
    """The chronology as a PDF. Its template uses only the plain elements the print
    stylesheet covers (documents.pdf.PRINT_UA_CSS), which makes the export faster."""
    return html_to_pdf(chronology_pdf_html(person, entries, described))


@_guarded
def chronology_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    _gate(request, person_id)
    person = get_object_or_404(Person, pk=person_id)
    form, entries = _filtered(request, person_id)
    described = _described(form)
    audit_record(
        actor=_user(request),
        action=Action.EXPORT,
        event="casework.chronology.pdf",
        obj=person,
        person_id=person.pk,
        data={"filter": described, "entries": len(entries)},
    )
    response = HttpResponse(
        chronology_pdf_bytes(person, entries, described), content_type="application/pdf"
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'inline; filename="{person.local_id}-chronology-{day}.pdf"'
    return response
