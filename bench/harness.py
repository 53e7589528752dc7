"""What the benchmarks share: Django set-up on a chosen database, scale databases built
once and reused, timing, and reporting figures in the shape ../shared/docs/BENCH.md gives.

A benchmark module (`bench/bench_<name>.py`) has a `main()` and ends with
`if __name__ == "__main__": sys.exit(main())`; `bench/run.py` runs each module in a
process of its own, because a process sets Django up on one database only.

Scale databases come from the demo generator (`hearth.demo.generator.generate`):

- `children_100k`: 100,000 children and their families, staff and teams;
- `persons_1m`: families added until there are 1,000,000 persons.

They are built once under var/bench/ (SQLite) or in a PostgreSQL database of their
own, and rebuilt only when the generator (or what it writes through) changes.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
RESULTS = BENCH_DIR / "results.jsonl"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
SEED = 1

# What a scale database holds: keyword arguments for generate().
SCALES: dict[str, dict[str, int]] = {
    "children_100k": {"children": 100_000},
    "persons_1m": {"children": 0, "min_persons": 1_000_000},
}
# The files whose change means a scale database must be generated again, and those
# whose change means only its blocking keys must be rebuilt.
GENERATOR_FILES = tuple(
    sorted(str(p.relative_to(ROOT)) for p in (ROOT / "hearth" / "demo").glob("*.py"))
)
KEY_FILES = ("hearth/people/matching.py",)


def setup_django(database_url: str) -> None:
    """Set Django up on this database with the bench settings (once per process)."""
    os.environ["HEARTH_ENV"] = "bench"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def goal_met(value: float, goal: str) -> bool:
    """Whether a value meets a goal written as "< 50", ">= 0.97", "≥ 10" and so on."""
    op, _, number = goal.strip().partition(" ")
    target = float(number)
    return {
        "<": value < target,
        "<=": value <= target,
        "≤": value <= target,
        ">": value > target,
        ">=": value >= target,
        "≥": value >= target,
    }[op]


def emit(
    fid: str,
    value: float,
    unit: str,
    goal: str,
    n: int,
    note: str,
    database: str | None = None,
) -> bool:
    """Print one figure and append it to var/bench/results.jsonl; returns whether it met
    its goal."""
    if database is None:
        from django.db import connection

        database = connection.vendor
    ok = goal_met(value, goal)
    record = {
        "id": fid,
        "value": round(value, 3),
        "unit": unit,
        "goal": goal,
        "ok": ok,
        "n": n,
        "database": database,
        "commit": commit(),
        "at": dt.datetime.now(tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "note": note,
    }
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    mark = "ok " if ok else "NOT"
    print(f"{mark} {fid} = {value:g} {unit} (goal {goal}; n={n:,}; {database}) {note}", flush=True)
    return ok


def figure(report: bool, fid: str, value: float, unit: str, goal: str, n: int, note: str) -> bool:
    """Emit a figure measured at scale, or only print it for a quick try against another
    database (figures are reported at the size the issue names)."""
    if report:
        return emit(fid, value, unit, goal, n, note)
    print(f"{fid} = {value:.1f} {unit} ({note})")
    return True


def scale_main(doc: str, measure: Callable[[int, bool], int], samples: int, scale: str) -> int:
    """The command line of a page benchmark: measure on the scale database, or with
    --database-url on an existing one (printed, not reported). Returns the exit status."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--database-url", help="an existing database, for a quick try")
    parser.add_argument("--samples", type=int, default=samples)
    args = parser.parse_args()
    if args.database_url:
        setup_django(args.database_url)
        return measure(args.samples, False)
    open_scale_database(scale, "sqlite")
    started = time.perf_counter()
    failed = measure(args.samples, True)
    print(f"   ({time.perf_counter() - started:.0f} s in all)")
    return 1 if failed else 0


def percentile(values: Iterable[float], p: float) -> float:
    """The p-th percentile by the nearest-rank method."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceiling of n * p / 100
    return ordered[int(rank) - 1]


def time_samples(fn: Callable[[Any], object], items: list[Any], warm_up: int) -> list[float]:
    """Milliseconds per call of fn over items, after calling it on the first `warm_up`."""
    for item in items[:warm_up]:
        fn(item)
    times: list[float] = []
    for item in items[warm_up:]:
        started = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary_note(times: list[float], warm_up: int) -> str:
    return f"p50 {statistics.median(times):.1f} ms; {len(times):,} samples after {warm_up} warm-up"


def fingerprint(files: Iterable[str] = GENERATOR_FILES) -> str:
    """A short hash of the code in these files: a scale database built by another
    version of the generator is rebuilt. Docstrings and comments do not count, so
    rewording them does not cost a rebuild."""
    digest = hashlib.sha256()
    for name in files:
        path = ROOT / name
        if not path.exists():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if (
                isinstance(body, list)
                and body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                body[0] = ast.Pass()
        digest.update(ast.dump(tree).encode())
    return digest.hexdigest()[:12]


def postgres_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


def postgres_answers() -> bool:
    try:
        import psycopg

        with psycopg.connect(postgres_url("postgres"), connect_timeout=3):
            return True
    except Exception:  # any failure means there is no server to use
        return False


def _postgres_create(name: str, fresh: bool) -> None:
    import psycopg

    with psycopg.connect(postgres_url("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def scale_database_url(scale: str, database: str) -> tuple[str, Path]:
    """Where a scale database lives, and the stamp file saying what it holds."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if database == "sqlite":
        path = BENCH_DIR / f"{scale}.sqlite3"
        return f"sqlite:///{path}", path.with_suffix(".json")
    name = "hearth_bench" if scale == "persons_1m" else f"hearth_bench_{scale}"
    return postgres_url(name), BENCH_DIR / f"postgres-{name}.json"


def open_scale_database(scale: str, database: str) -> dict[str, Any]:
    """Set Django up on the scale database, building it first if it is missing or was
    built by another version of the generator. Returns its stamp (what it holds)."""
    url, stamp_file = scale_database_url(scale, database)
    wanted = {"scale": scale, "seed": SEED, "generator": fingerprint()}
    stamp = json.loads(stamp_file.read_text()) if stamp_file.exists() else {}
    current = {k: stamp.get(k) for k in wanted} == wanted
    if database == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        if not current:
            for stale in path.parent.glob(path.name + "*"):
                stale.unlink()
    else:
        _postgres_create(url.rsplit("/", 1)[1], fresh=not current)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # cheap when up to date; keeps a reused one current
    keys = fingerprint(KEY_FILES)
    if current and stamp.get("keys") == keys:
        return stamp
    stamp_file.unlink(missing_ok=True)
    if current:
        stamp["match_keys"] = rebuild_keys()
    else:
        stamp = {**wanted, **build_scale(scale)}
    stamp["keys"] = keys
    stamp_file.write_text(json.dumps(stamp, indent=1))
    return stamp


def rebuild_keys() -> int:
    """Only the people search's blocking keys changed: rebuild them, not the people."""
    from hearth.people.matching import match_keys_rebuild

    started = time.perf_counter()
    written = match_keys_rebuild()
    print(f"   rebuilt {written:,} blocking keys in {time.perf_counter() - started:.0f} s")
    return written


def build_scale(scale: str) -> dict[str, Any]:
    """Generate a scale database into the database Django is set up on."""
    from django.db import connection

    from hearth.demo.generator import generate

    print(f"   building {scale} on {connection.vendor} (once; reused until the generator changes)")
    summary = generate(seed=SEED, out=sys.stdout, **SCALES[scale])
    with connection.cursor() as cursor:
        # Fresh planner statistics, as an operator would have after a bulk load.
        cursor.execute("ANALYZE")
    print(f"   built {summary.persons:,} persons in {summary.seconds:.0f} s")
    return {"built_seconds": summary.seconds, **summary.as_dict()}
