"""Casework records. For now only what the front door needs to read and write: the
child in need episode a referral opens, and whether a child is or was on a child
protection plan or looked after. The casework and care issues will extend these
(assessments, strategy discussions, conferences, plans, periods of care and legal
statuses); the fields here are the ones the CIN census and SSDA903 return already name.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone


class CINEpisode(models.Model):
    """One child in need episode: from the referral that opened it to its closure
    (CIN census `CINdetails`). At most one open episode per child (rule 8815/8816)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="cin_episodes"
    )
    referral_date = models.DateField()
    referral_source = models.CharField(
        max_length=3, help_text="CIN ReferralSource code (code list referral_source)"
    )
    primary_need_code = models.CharField(
        max_length=2, default="N0", help_text="CIN PrimaryNeedCode (code list primary_need)"
    )
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(
        max_length=3, blank=True, help_text="CIN ReasonForClosure (code list closure_reason)"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-referral_date", "-pk"]
        indexes = [models.Index(fields=["person", "referral_date"], name="cin_person_referral")]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(closure_date__isnull=True),
                name="one_open_cin_episode",
            ),
            models.CheckConstraint(
                condition=models.Q(closure_date__isnull=True)
                | models.Q(closure_date__gte=models.F("referral_date")),
                name="cin_closed_after_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"CIN episode from {self.referral_date:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.closure_date is None


class _Period(models.Model):
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-start_date"]

    def current_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class ChildProtectionPlan(_Period):
    """A child protection plan from the conference that began it to its end. Minimal:
    the casework issue adds the category of abuse, reviews and the core group."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="child_protection_plans"
    )

    class Meta(_Period.Meta):
        indexes = [models.Index(fields=["person", "start_date"], name="cpp_person_start")]

    def __str__(self) -> str:
        return f"Child protection plan from {self.start_date:%d/%m/%Y}"


class LookedAfterPeriod(_Period):
    """A period of being looked after. Minimal: the care issue adds the episodes,
    legal statuses and placements (SSDA903)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="looked_after_periods"
    )

    class Meta(_Period.Meta):
        indexes = [models.Index(fields=["person", "start_date"], name="lac_person_start")]

    def __str__(self) -> str:
        return f"Looked after from {self.start_date:%d/%m/%Y}"
