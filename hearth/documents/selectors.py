"""Reads of reports and of what a child's file still lacks."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from hearth.accounts.models import User
from hearth.documents.models import Report, ReportState


def awaiting_sign_off(manager: User) -> QuerySet[Report]:
    """Reports submitted and waiting for this manager's decision: those submitted to
    them by name, and (for a team or service manager) those from their team. Each
    carries `deadline`, the date it must reach the chair (for an assessment report,
    the assessment's due date), and the list runs oldest deadline first; reports with
    no deadline come last, oldest submission first."""
    if not (manager.is_authenticated and manager.is_active):
        return Report.objects.none()
    mine = Q(submitted_to=manager)
    if manager.is_manager and manager.team_id:
        mine |= Q(team_id=manager.team_id)
    return (
        Report.objects.filter(mine, state=ReportState.SUBMITTED)
        .exclude(author=manager)
        .select_related("person", "author", "assessment", "conference")
        .annotate(deadline=F("due_on"))
        .order_by(F("due_on").asc(nulls_last=True), "submitted_at", "pk")
    )
