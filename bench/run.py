"""Run the benchmarks: `bench/run.py [ONLY]` (`make bench`, `make bench ONLY=people`).

Every `bench/bench_*.py` is run in a process of its own (Django is set up on one
database per process). ONLY picks the modules of one group: the first part of the
figure ids a module reports (`people` for people.search_surname_dob.p95_ms), or the
module's own name (`demo_data` for bench_demo_data.py). A module may also list its
groups in a module-level `GROUPS = (...)`.

Each figure is printed as it finishes and appended to var/bench/results.jsonl
(../shared/docs/BENCH.md). Exits non-zero if a benchmark failed to run.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
FIGURE_ID = re.compile(r"^([a-z][a-z0-9_]*)\.[a-z0-9_]+(\.[a-z0-9_]+)?$")
NOT_GROUPS = {"hearth", "django", "os", "sys", "var", "bench"}
FILE_ENDINGS = {"json", "jsonl", "py", "sqlite3", "toml", "txt", "csv", "html"}


def groups(path: Path) -> set[str]:
    """The groups a module belongs to, read from its source without running it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "GROUPS" for t in node.targets
        ):
            return set(ast.literal_eval(node.value))
    found = {path.stem.removeprefix("bench_")}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = FIGURE_ID.match(node.value)
            last = node.value.rsplit(".", 1)[1] if match else ""
            if match and match.group(1) not in NOT_GROUPS and last not in FILE_ENDINGS:
                found.add(match.group(1))
    return found


def main(argv: list[str]) -> int:
    only = argv[0] if argv else ""
    modules = sorted(BENCH.glob("bench_*.py"))
    chosen = [m for m in modules if not only or only in groups(m)]
    if not chosen:
        names = sorted({g for m in modules for g in groups(m)})
        print(f"No benchmark in group {only!r}; groups: {', '.join(names)}")
        return 2
    env = {**os.environ, "HEARTH_ENV": "bench"}
    failed: list[str] = []
    for module in chosen:
        print(f"== {module.name}", flush=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(module)], env=env, check=False)
        print(f"== {module.name}: {time.perf_counter() - started:.0f} s", flush=True)
        if done.returncode:
            failed.append(module.name)
    if failed:
        print(f"Failed to run: {', '.join(failed)}")
        return 1
    print("Figures appended to var/bench/results.jsonl")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
