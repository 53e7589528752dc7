"""Statutory return exports (a small database-backed job table) and the findings of
Hearth's own checks, kept per export so the data quality page can list them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReturnKind(models.TextChoices):
    CIN = "cin", "Children in need census"
    SSDA903 = "ssda903", "Children looked after return (SSDA903)"
    ANNEX_A = "annex_a", "Ofsted Annex A"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class ReturnExport(models.Model):
    """One run of an export: asked for by a person (or the command line), run in the
    background, its progress and its file kept until downloaded."""

    kind = models.CharField(max_length=10, choices=ReturnKind.choices)
    year = models.PositiveIntegerField(
        null=True, blank=True, help_text="Collection year (2026 is 2025 to 2026)"
    )
    on_date = models.DateField(null=True, blank=True, help_text="Annex A: the inspection date")
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    errors = models.PositiveIntegerField(default=0)
    queries = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "created_at"], name="export_kind_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in {ExportStatus.DONE, ExportStatus.FAILED}


class ReturnFinding(models.Model):
    """One failure of a DfE validation rule for one child in one export."""

    export = models.ForeignKey(ReturnExport, on_delete=models.CASCADE, related_name="findings")
    code = models.CharField(max_length=10)
    child = models.CharField(max_length=40, blank=True, help_text="LA child ID")
    person_id = models.BigIntegerField(null=True, blank=True)
    message = models.CharField(max_length=400)
    detail = models.CharField(max_length=200, blank=True)
    is_query = models.BooleanField(default=False)

    class Meta:
        ordering = ["child", "code", "pk"]
        indexes = [models.Index(fields=["export", "child"], name="finding_export_child")]

    def __str__(self) -> str:
        return f"{self.code} {self.child}"


class WorkerRegistration(models.Model):
    """A social worker's Social Work England registration number, the SW_ID of the
    SSDA903 SWEpisodes table (begins "SW"). Held here until the workforce record
    carries it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sw_registration"
    )
    number = models.CharField(max_length=20)

    def __str__(self) -> str:
        return self.number
