"""`{% case_documents person case %}`: the case page's missing information and reports.

A template tag, so that the casework page can show them without casework importing
documents (documents sits beside casework and reads it, never the other way round).
It reuses the rows the case page has read (`case.episodes`, prefetched), so it adds one
query: the child's reports."""

from __future__ import annotations

from typing import Any

from django import template

from hearth.documents.missing import missing_from_case
from hearth.documents.models import Report

register = template.Library()


@register.inclusion_tag("documents/_case_panel.html")
def case_documents(person: Any, case: Any) -> dict[str, Any]:
    reports = list(
        Report.objects.filter(person_id=person.pk).select_related("conference", "assessment")
    )
    return {"missing": missing_from_case(case.episodes, reports), "reports": reports}
