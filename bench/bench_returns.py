"""Benchmark: the statutory returns (returns issue).

- returns.cin.seconds              goal < 60    the CIN census of 100,000 children, written
- returns.cin.peak_mib             goal < 1024  peak memory of the process that wrote it
- returns.ssda903.seconds          goal < 30    the SSDA903 CSV set at 10,000 children in care
- returns.cin_validation.speedup   goal ≥ 10    Hearth's checks against csc-validator-be-cin
                                                on the same file, with the same findings

On the 100,000-child scale database (var/bench/children_100k.sqlite3, built once by the
demo generator with its case and care histories, and reused while it is unchanged).

- CIN: `hearth.returns.exports.cin_export` for the 2025 to 2026 collection, in a process
  of its own so that its peak resident memory (VmHWM) is the export's alone.
- SSDA903: `ssda903_export` for the same year; the note gives how many children were in
  care in the year (the generator decides it; the goal names 10,000).
- The writer and checks alone at 100,000 census records (built in memory), to show they
  stream: returns.cin_100k_records.seconds, with its peak memory in the note.
- Validation: the first N children of that census file and one broken copy of a child
  per rule (hearth/returns/tests/cin_cases.py), both checkers timed from reading the file
  to their findings (the validator's imports not counted); the findings of the rules both
  implement are compared and the note says whether they agree.

Run alone:  HEARTH_ENV=bench .venv/bin/python bench/bench_returns.py
            [--database-url sqlite:////tmp/small.sqlite3]  (an existing database, for a
            quick try)  [--validation-children 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # found beside this file, on the path set above

GROUPS = ("returns",)
SCALE = "children_100k"
YEAR = 2026

_CIN_SYNTHETIC = """
import copy, json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import harness
harness.setup_django(sys.argv[2])
from pathlib import Path
from hearth.returns.cin import Header, write_cin_xml
from hearth.returns.cin_rules import Checker
from hearth.returns.tests.cin_cases import cp_child, plan_child
total = int(sys.argv[3])

def records():
    for n in range(total):
        yield (cp_child if n % 2 else plan_child)(n)

checker = Checker(2026)
found = 0
def checked():
    global found
    for child in records():
        found += len(checker.child(child))
        yield child

started = time.perf_counter()
with open(sys.argv[4], "w") as out:
    write_cin_xml(Header(year=2026, lea="999"), checked(), out)
seconds = time.perf_counter() - started
status = Path("/proc/self/status").read_text()
peak = next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM")) / 1024
print(json.dumps({"seconds": seconds, "peak_mib": peak, "findings": found}))
"""

_CIN_CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import harness
harness.setup_django(sys.argv[2])
from pathlib import Path
from hearth.returns.exports import cin_export
started = time.perf_counter()
findings = cin_export(int(sys.argv[3]), Path(sys.argv[4]))
seconds = time.perf_counter() - started
# VmHWM is this program's own peak: ru_maxrss would also count the parent's memory at
# the fork that started it (it survives exec).
try:
    status = Path("/proc/self/status").read_text()
    peak = next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM")) / 1024
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mib": peak, "findings": len(findings)}))
"""


def _cin(url: str, out: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CIN_CHILD, str(Path(__file__).parent), url, str(YEAR), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _validation(census: Path, children: int, folder: Path) -> None:
    from hearth.returns.cin import Header, read_cin_xml, write_cin_xml
    from hearth.returns.cin_rules import CHECKS, check_children
    from hearth.returns.tests.cin_cases import broken_children
    from hearth.returns.tests.test_validators import VALIDATOR_BLIND
    from hearth.returns.validators import CIN, ensure_venv, run_cin_validator

    ensure_venv(CIN)
    _header, records = read_cin_xml(census)
    broken, _target = broken_children()
    sample = folder / "sample.xml"
    with sample.open("w") as out:
        write_cin_xml(Header(year=YEAR, lea="999"), records[:children] + broken, out)
    n = min(children, len(records)) + len(broken)
    started = time.perf_counter()
    _h, back = read_cin_xml(sample)
    ours = check_children(YEAR, back)
    hearth_seconds = time.perf_counter() - started
    issues, theirs_seconds = run_cin_validator(sample, YEAR)
    comparable = set(CHECKS) - set(VALIDATOR_BLIND)
    mine = {(x.code, x.child) for x in ours if x.code in comparable}
    theirs = {(i.rule, i.child) for i in issues if i.rule in comparable}
    same = mine == theirs
    speedup = theirs_seconds / hearth_seconds if same else 0.0
    harness.emit(
        "returns.cin_validation.speedup",
        speedup,
        "x",
        "≥ 10",
        n,
        f"Hearth {hearth_seconds:.2f} s, csc-validator-be-cin 0.1.13 {theirs_seconds:.1f} s, "
        f"same findings on {len(comparable)} rules: {'yes' if same else 'NO'} "
        f"({len(mine)} vs {len(theirs)}); file of {n:,} children",
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--validation-children", type=int, default=2000)
    args = parser.parse_args()
    if args.database_url:
        harness.setup_django(args.database_url)
        url = args.database_url
    else:
        harness.open_scale_database(SCALE, "sqlite")
        url, _stamp = harness.scale_database_url(SCALE, "sqlite")
    from hearth.care.models import Episode
    from hearth.returns.cin import cin_person_ids
    from hearth.returns.exports import ssda903_export
    from hearth.returns.ssda903 import ssda903_return

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        census = folder / "cin.xml"
        n = len(cin_person_ids(YEAR))
        cin = _cin(url, census)
        findings = int(cin["findings"])
        scale = "the given database" if args.database_url else "an authority of 100,000 children"
        note = (
            f"{scale}: {n:,} children in the census of {YEAR - 1} to {YEAR}; {findings:,} findings"
        )
        harness.emit("returns.cin.seconds", cin["seconds"], "s", "< 60", n, note)
        harness.emit("returns.cin.peak_mib", cin["peak_mib"], "MiB", "< 1024", n,
                     "peak resident memory (VmHWM) of the process that wrote the file")  # fmt: skip

        done = subprocess.run(
            [sys.executable, "-c", _CIN_SYNTHETIC, str(Path(__file__).parent), url, "100000",
             str(folder / "synthetic.xml")],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        synthetic = json.loads(done.stdout.strip().splitlines()[-1])
        harness.emit(
            "returns.cin_100k_records.seconds", synthetic["seconds"], "s", "< 60", 100_000,
            f"100,000 census records (built in memory, not read from the database) written "
            f"and checked as they stream; peak memory {synthetic['peak_mib']:.0f} MiB",
        )  # fmt: skip

        in_care = Episode.objects.values("person_id").distinct().count()
        started = time.perf_counter()
        ssda903_export(YEAR, folder / "903.zip")
        seconds = time.perf_counter() - started
        year_children = ssda903_return(YEAR).children
        harness.emit(
            "returns.ssda903.seconds", seconds, "s", "< 30", year_children,
            f"{year_children:,} children in the return ({in_care:,} ever in care in the "
            "database); the goal names 10,000 in care",
        )  # fmt: skip
        _validation(census, args.validation_children, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
