"""Running the statutory return exports: every write here, each audited.

An export is a `ReturnExport` row (a small database-backed job table: django-tasks is not
installed) run by `export_run`, either from the command line (`hearth returns cin`) or in
the background for the performance officers' page (`export_start` launches
`hearth returns run <id>` as a separate process). Its findings are kept with it for the
data quality page; a record that cannot be exported is listed there, never dropped.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hearth.audit.models import Action
from hearth.audit.services import audit_record
from hearth.returns.models import ExportStatus, ReturnExport, ReturnFinding, ReturnKind
from hearth.returns.policy import can_run_returns
from hearth.returns.rules import Finding

if TYPE_CHECKING:
    from hearth.accounts.models import User

Progress = Callable[[int, int], None]
FINDINGS_BATCH = 5000


def export_dir() -> Path:
    path = Path(settings.VAR_DIR) / "returns"
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_create(
    *,
    acting_user: User | None,
    kind: str,
    year: int | None = None,
    on_date: dt.date | None = None,
) -> ReturnExport:
    """Queue an export (from the page: the user must be allowed to run returns)."""
    if acting_user is not None and not can_run_returns(acting_user):
        raise PermissionDenied
    with transaction.atomic():
        export = ReturnExport.objects.create(
            kind=kind, year=year, on_date=on_date, requested_by=acting_user
        )
        audit_record(
            actor=acting_user,
            action=Action.CREATE,
            event="returns.export.requested",
            obj=export,
            data={"kind": kind, "year": year, "on_date": on_date},
        )
    return export


def export_start(*, acting_user: User, kind: str, year: int | None = None,
                 on_date: dt.date | None = None) -> ReturnExport:  # fmt: skip
    """Queue an export and run it in the background (a `hearth returns run` process)."""
    export = export_create(acting_user=acting_user, kind=kind, year=year, on_date=on_date)
    if getattr(settings, "HEARTH_RETURNS_INLINE", settings.HEARTH_ENV == "test"):
        # Tests share one database connection: run in this process, after the commit.
        transaction.on_commit(lambda: export_run(export_id=export.pk))
    else:
        transaction.on_commit(lambda: _launch(export.pk))
    return export


def _launch(export_id: int) -> None:
    subprocess.Popen(  # the worker outlives the request that started it
        [sys.executable, "-m", "hearth.cli", "returns", "run", str(export_id)],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _progress(export: ReturnExport) -> Progress:
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = timezone.now().timestamp()
        if done < total and now - last[0] < 0.5:
            return
        last[0] = now
        ReturnExport.objects.filter(pk=export.pk).update(done=done, total=total)

    return report


def export_run(*, export_id: int) -> ReturnExport:
    """Run a queued export to its file; keep its findings; audit it."""
    export = ReturnExport.objects.get(pk=export_id)
    ReturnExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )
    try:
        findings, name = _produce(export, _progress(export))
    except Exception as exc:  # the page must say it failed, not spin forever
        ReturnExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now(), message=str(exc)[:2000]
        )
        raise
    errors = sum(1 for f in findings if not f.is_query)
    queries = len(findings) - errors
    with transaction.atomic():
        ReturnFinding.objects.filter(export=export).delete()
        for i in range(0, len(findings), FINDINGS_BATCH):
            ReturnFinding.objects.bulk_create(
                ReturnFinding(
                    export=export,
                    code=f.code,
                    child=f.child[:40],
                    person_id=f.person_id,
                    message=f.message[:400],
                    detail=f.detail[:200],
                    is_query=f.is_query,
                )
                for f in findings[i : i + FINDINGS_BATCH]
            )
        ReturnExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.DONE,
            finished_at=timezone.now(),
            file_name=name,
            errors=errors,
            queries=queries,
        )
        export.refresh_from_db()
        audit_record(
            actor=export.requested_by,
            action=Action.EXPORT,
            event=f"returns.{export.kind}.exported",
            obj=export,
            data={
                "year": export.year,
                "on_date": export.on_date,
                "file": name,
                "records": export.total,
                "errors": errors,
                "queries": queries,
            },
        )
    return export


def _produce(export: ReturnExport, progress: Progress) -> tuple[list[Finding], str]:
    if export.kind == ReturnKind.CIN:
        from hearth.returns.exports import cin_export

        assert export.year
        name = f"cin_census_{export.year}_{export.pk}.xml"
        findings = cin_export(export.year, export_dir() / name, progress=progress)
        return findings, name
    if export.kind == ReturnKind.SSDA903:
        from hearth.returns.exports import ssda903_export

        assert export.year
        name = f"ssda903_{export.year}_{export.pk}.zip"
        return ssda903_export(export.year, export_dir() / name, progress=progress), name
    if export.kind == ReturnKind.ANNEX_A:
        from hearth.returns.exports import annex_a_export

        assert export.on_date
        name = f"annex_a_{export.on_date:%Y%m%d}_{export.pk}.xlsx"
        return annex_a_export(export.on_date, export_dir() / name, progress=progress), name
    raise ValueError(f"Hearth cannot produce {export.kind} yet")


def export_downloaded(*, acting_user: User, export: ReturnExport) -> Path:
    """The file of a finished export, the download audited."""
    if not can_run_returns(acting_user):
        raise PermissionDenied
    audit_record(
        actor=acting_user,
        action=Action.EXPORT,
        event=f"returns.{export.kind}.downloaded",
        obj=export,
        data={"file": export.file_name},
    )
    return export_dir() / export.file_name
