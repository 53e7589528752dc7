"""Reads for the returns pages."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from hearth.returns.models import ReturnExport, ReturnFinding


def recent_exports(limit: int = 20) -> QuerySet[ReturnExport]:
    return ReturnExport.objects.select_related("requested_by").order_by("-created_at", "-pk")[
        :limit
    ]


def export_findings(
    export: ReturnExport, *, queries: bool | None = None
) -> QuerySet[ReturnFinding]:
    """An export's findings, child by child (errors before queries within a child)."""
    rows = ReturnFinding.objects.filter(export=export)
    if queries is not None:
        rows = rows.filter(is_query=queries)
    return rows.order_by("child", "is_query", "code", "pk")


def findings_by_rule(export: ReturnExport) -> list[dict[str, object]]:
    """How many children fail each rule: the summary at the top of the page."""
    rows = (
        ReturnFinding.objects.filter(export=export)
        .values("code", "message", "is_query")
        .annotate(children=Count("child", distinct=True), total=Count("pk"))
        .order_by("is_query", "-children", "code")
    )
    return [dict(r) for r in rows]
