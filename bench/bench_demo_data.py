"""Benchmark: generating the synthetic local authority (foundation issue).

- demo_data.children_100k.seconds   generate(children=100_000) into a fresh SQLite file:
                                    families, staff, a year at the front door, case
                                    histories and children in care; the detail gives
                                    the realism figures (children in care per 10,000,
                                    referral outcomes, case notes)

The database it builds (var/bench/children_100k.sqlite3) is kept for the benchmarks
that measure pages and returns at 100,000 children.

Run alone:  HEARTH_ENV=bench .venv/bin/python bench/bench_demo_data.py
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # found beside this file, on the path set above

SCALE = "children_100k"


def main() -> int:
    _, stamp_file = harness.scale_database_url(SCALE, "sqlite")
    stamp_file.unlink(missing_ok=True)  # always a fresh file: this is what is timed
    stamp = harness.open_scale_database(SCALE, "sqlite")
    cores = os.cpu_count() or 0
    harness.emit(
        "demo_data.children_100k.seconds",
        stamp["seconds"],
        "s",
        "< 300",
        stamp["children"],
        f"{stamp['persons']:,} persons, {stamp['relationships']:,} relationships, "
        f"{stamp['addresses']:,} addresses, {stamp['open_involvements']:,} open "
        f"involvements, {stamp['staff']:,} staff, {stamp['match_keys']:,} blocking keys, "
        f"{stamp.get('contacts', 0):,} contacts ({stamp.get('referrals', 0):,} referrals, "
        f"{stamp.get('cin_episodes', 0):,} CIN episodes, "
        f"{stamp.get('information_requests', 0):,} information requests); "
        f"{stamp.get('case_notes', 0):,} case notes; "
        f"{stamp.get('in_care_per_10k', 0):.1f} children in care per 10,000 children "
        f"(of a derived population of {stamp.get('child_population', 0):,}); of "
        f"{stamp.get('referrals_in_year', 0):,} referrals in the year "
        f"{stamp.get('referrals_assessed_pct', 0):.0f}% assessed, "
        f"{stamp.get('referrals_s47_pct', 0):.0f}% to section 47, "
        f"{stamp.get('referrals_plan_pct', 0):.0f}% to a plan; "
        f"fresh SQLite file, {cores} cores, seed {harness.SEED}",
        database="sqlite",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
