"""Account actions: sign-in throttling and notifications to users."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from hearth.accounts.models import MANAGER_ROLES, LoginFailure, Notification, User


def login_is_locked(*, email: str, ip: str | None) -> bool:
    """Too many recent failures for this email or this address."""
    since = timezone.now() - timedelta(minutes=settings.HEARTH_LOGIN_WINDOW_MINUTES)
    recent = LoginFailure.objects.filter(at__gte=since)
    limit = settings.HEARTH_LOGIN_MAX_FAILURES
    if recent.filter(email=email.lower()).count() >= limit:
        return True
    return bool(ip) and recent.filter(ip=ip).count() >= limit * 4


def login_failure_record(*, email: str, ip: str | None) -> None:
    LoginFailure.objects.create(email=email.lower()[:254], ip=ip or None)


def login_failures_clear(*, email: str) -> None:
    LoginFailure.objects.filter(email=email.lower()).delete()


def managers_of(user: User) -> list[User]:
    """Who to tell about something this user did: their team's managers, or else
    the service managers of their service area."""
    qs = User.objects.filter(is_active=True, role__in=MANAGER_ROLES).exclude(pk=user.pk)
    if user.team_id:
        team_managers = list(qs.filter(team_id=user.team_id))
        if team_managers:
            return team_managers
        return list(qs.filter(role="service_manager", team__service_area=user.service_area))
    return list(qs.filter(Q(role="service_manager")))


def notify(*, recipients: list[User], text: str, link: str = "") -> None:
    Notification.objects.bulk_create(
        [Notification(recipient=r, text=text, link=link) for r in recipients]
    )
