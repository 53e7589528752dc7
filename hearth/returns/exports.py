"""Each return produced from the record to a file, checked as it streams."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from hearth.returns.cin import (
    CINChild,
    Header,
    cin_children,
    cin_person_ids,
    la_number,
    write_cin_xml,
)
from hearth.returns.cin_rules import Checker
from hearth.returns.rules import Finding

Progress = Callable[[int, int], None]


def cin_export(year: int, path: Path, *, progress: Progress | None = None) -> list[Finding]:
    """Write the CIN census for a collection year to `path` (streamed: one chunk of
    children in memory at a time) and return Hearth's findings on it."""
    person_ids = cin_person_ids(year)
    total = len(person_ids)
    checker = Checker(year)
    findings: list[Finding] = []

    def checked() -> Iterator[CINChild]:
        for n, child in enumerate(cin_children(year, person_ids=person_ids), start=1):
            findings.extend(checker.child(child))
            if progress and (n % 500 == 0 or n == total):
                progress(n, total)
            yield child

    if progress:
        progress(0, total)
    partial = path.with_suffix(path.suffix + ".part")
    with partial.open("w", encoding="utf-8") as out:
        write_cin_xml(Header(year=year, lea=la_number()), checked(), out)
    os.replace(partial, path)
    return findings + checker.finish()


def ssda903_export(year: int, path: Path, *, progress: Progress | None = None) -> list[Finding]:
    """Write the SSDA903 CSV set for a collection year as one zip file at `path`, and
    return Hearth's findings on it."""
    from hearth.returns.ssda903 import check_903, ssda903_return, write_zip

    if progress:
        progress(0, 1)
    ret = ssda903_return(year)
    partial = path.with_suffix(path.suffix + ".part")
    write_zip(ret, partial)
    os.replace(partial, path)
    if progress:
        progress(ret.children, ret.children)
    return check_903(ret)


def annex_a_export(on: dt.date, path: Path, *, progress: Progress | None = None) -> list[Finding]:
    """Write Ofsted's Annex A lists for an inspection on `on` as one workbook at `path`."""
    from hearth.returns.annex_a import annex_a_lists, write_workbook

    if progress:
        progress(0, 1)
    lists = annex_a_lists(on)
    partial = path.with_suffix(".part.xlsx")
    write_workbook(lists, partial)
    os.replace(partial, path)
    if progress:
        progress(lists.total, lists.total)
    return []
