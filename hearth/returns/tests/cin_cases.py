"""Census records for the CIN tests: two clean children, and one mutation per rule that
breaks a copy of one of them (each copy gets its own LA child ID)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable

from hearth.returns.cin import (
    Assessment,
    CINChild,
    CINDetails,
    CINPlan,
    CPPlan,
    Section47,
)

D = dt.date


def upn(n: int, la: str = "201") -> str:
    """A well-formed UPN (a real LA number so rule 1530 passes; synthetic serial)."""
    digits = f"{la}{n:09d}"
    total = sum(int(digits[i - 1]) * (i + 1) for i in range(1, 13)) % 23
    return "ABCDEFGHJKLMNPQRTUVWXYZ"[total] + digits


def with_la(u: str, la: str) -> str:
    """The UPN with another LA number in characters 2-4 (and its check letter redone)."""
    return upn(int(u[4:]), la)


def cp_child(n: int) -> CINChild:
    """A closed assessed episode, then an open one with an enquiry, conference and plan."""
    return CINChild(
        la_child_id=f"CP{n:05d}",
        upn=upn(n),
        birth_date=D(2015, 6, 1),
        sex="F",
        ethnicity="WBRI",
        disabilities=["NONE"],
        episodes=[
            CINDetails(
                referral_date=D(2025, 4, 10),
                referral_source="2A",
                primary_need="N1",
                closure_date=D(2025, 6, 30),
                closure_reason="RC8",
                referral_nfa=False,
                assessments=[Assessment(D(2025, 4, 11), D(2025, 5, 20), ["3B"])],
            ),
            CINDetails(
                referral_date=D(2025, 9, 1),
                referral_source="6",
                primary_need="N1",
                referral_nfa=False,
                assessments=[Assessment(D(2025, 9, 2), D(2025, 10, 1), ["16A", "17A"])],
                section47s=[Section47(D(2025, 9, 10), D(2025, 10, 1), D(2025, 9, 30), False)],
                cp_plans=[CPPlan(D(2025, 9, 30), None, "NEG", "NEG", 0, [D(2025, 12, 15)])],
            ),
        ],
    )


def plan_child(n: int) -> CINChild:
    """One open episode: an assessment, then a child in need plan."""
    return CINChild(
        la_child_id=f"PL{n:05d}",
        upn=upn(50000 + n),
        birth_date=D(2012, 2, 14),
        sex="M",
        ethnicity="AIND",
        disabilities=["LD", "COMM"],
        episodes=[
            CINDetails(
                referral_date=D(2025, 5, 1),
                referral_source="3A",
                primary_need="N2",
                referral_nfa=False,
                assessments=[Assessment(D(2025, 5, 2), D(2025, 6, 10), ["6A"])],
                cin_plans=[CINPlan(D(2025, 6, 15))],
            )
        ],
    )


Mutation = Callable[[CINChild], None]


def _ep(c: CINChild, i: int = 1) -> CINDetails:
    return c.episodes[i]


def _set(**values: object) -> Mutation:
    def apply(c: CINChild) -> None:
        for k, v in values.items():
            setattr(c, k, v)

    return apply


def _ep_set(i: int, **values: object) -> Mutation:
    def apply(c: CINChild) -> None:
        for k, v in values.items():
            setattr(c.episodes[i], k, v)

    return apply


def _do(fn: Callable[[CINChild], object]) -> Mutation:
    def apply(c: CINChild) -> None:
        fn(c)

    return apply


def _plan(name: str, value: object) -> Mutation:
    return lambda c: setattr(c.episodes[0].cin_plans[0], name, value)


def _s47(name: str, value: object) -> Mutation:
    return lambda c: setattr(_ep(c).section47s[0], name, value)


def _cpp(name: str, value: object) -> Mutation:
    return lambda c: setattr(_ep(c).cp_plans[0], name, value)


def _ass(name: str, value: object) -> Mutation:
    return lambda c: setattr(_ep(c).assessments[0], name, value)


def _two_open_cpps(c: CINChild) -> None:
    _ep(c).cp_plans.append(CPPlan(D(2025, 11, 3), None, "EMO", "EMO", 1, []))


def _overlapping_assessments(c: CINChild) -> None:
    _ep(c).assessments.append(Assessment(D(2025, 9, 15), D(2025, 10, 20), ["4B"]))


def _two_open_assessments(c: CINChild) -> None:
    _ep(c).assessments = [Assessment(D(2025, 9, 2)), Assessment(D(2025, 9, 20))]


def _two_waiting_s47(c: CINChild) -> None:
    e = _ep(c)
    e.section47s[0].icpc_date = None
    e.cp_plans = []
    e.section47s.append(Section47(D(2025, 9, 12), D(2025, 10, 3)))


def _closed_s47_waiting(c: CINChild) -> None:
    e = _ep(c)
    e.closure_date, e.closure_reason = D(2026, 3, 2), "RC7"
    e.section47s[0].icpc_date = None
    e.cp_plans = []


def _overlapping_s47(c: CINChild) -> None:
    _ep(c).section47s.append(Section47(D(2025, 9, 20), D(2025, 10, 8), D(2025, 10, 6)))


def _plans_without_conference(c: CINChild) -> None:
    """Three plans in the year after an enquiry whose conference is not recorded: the
    return then has more plans starting than conferences (rule 2883, on the whole return).
    The other mutations balance out (2884 adds a conference, 8935 a plan, 8720 drops a
    plan's date, and the rest that drop a conference drop its plan too); with this one the
    broken set has 73 plans starting in the year and 72 conferences."""
    e = _ep(c)
    e.section47s[0].icpc_date = None
    e.cp_plans = [
        CPPlan(D(2025, 9, 30), D(2025, 11, 3), "NEG", "NEG", 0, [D(2025, 10, 30)]),
        CPPlan(D(2025, 11, 4), D(2025, 12, 31), "NEG", "NEG", 1, [D(2025, 12, 1)]),
        CPPlan(D(2026, 1, 5), None, "NEG", "NEG", 2, [D(2026, 2, 2)]),
    ]


def _two_open_plans(c: CINChild) -> None:
    c.episodes[0].cin_plans.append(CINPlan(D(2025, 7, 1)))


# rule code -> (which child, how it is broken). Codes are the rule each mutation aims
# at; the comparison covers every rule either side reports for the child.
MUTATIONS: dict[str, tuple[Callable[[int], CINChild], Mutation]] = {
    "1570": (cp_child, lambda c: setattr(c, "la_child_id", c.la_child_id + "X" * 16)),
    "1580": (cp_child, lambda c: setattr(c, "la_child_id", c.la_child_id + "-A")),
    "1510": (cp_child, lambda c: setattr(c, "upn", ("B" if c.upn[0] == "A" else "A") + c.upn[1:])),
    "1530": (cp_child, lambda c: setattr(c, "upn", with_la(c.upn, "999"))),
    "1540": (cp_child, lambda c: setattr(c, "upn", c.upn[:6] + "AB" + c.upn[8:])),
    "1550": (cp_child, lambda c: setattr(c, "upn", c.upn[:12] + "I")),
    "1560Q": (cp_child, _set(former_upn="A12")),
    "4180": (cp_child, _set(sex="X")),
    "4220": (cp_child, _set(ethnicity="ZZZZ")),
    "8520": (cp_child, _set(birth_date=D(2026, 5, 1))),
    "8525Q": (cp_child, _set(birth_date=None)),
    "8530Q": (cp_child, _set(birth_date=None, expected_birth_date=D(2027, 6, 1), sex="U")),
    "8535Q": (cp_child, _set(death_date=D(2014, 1, 1))),
    "8545Q": (plan_child, _set(death_date=D(2026, 6, 1))),
    "8540": (cp_child, _set(disabilities=["XYZ"])),
    "8790": (cp_child, _set(disabilities=["NONE", "MOB"])),
    "8794": (cp_child, _set(disabilities=["MOB", "MOB"])),
    "8750": (cp_child, _set(birth_date=None, expected_birth_date=D(2026, 6, 1))),
    "8772": (cp_child, _set(upn_unknown="UN7")),
    "8775Q": (cp_child, _set(birth_date=D(1999, 1, 1))),
    "8606": (cp_child, _set(birth_date=D(2026, 3, 1))),
    "8610": (cp_child, _ep_set(1, primary_need="")),
    "8650": (cp_child, _ep_set(1, primary_need="N99")),
    "8630": (cp_child, _ep_set(0, closure_date=D(2025, 4, 5))),
    "8640": (cp_child, _ep_set(0, closure_reason="RC99")),
    "8805": (cp_child, _ep_set(0, closure_reason="")),
    "8810": (cp_child, _ep_set(1, closure_reason="RC7")),
    "8866": (cp_child, _ep_set(1, referral_source="99")),
    "8568": (cp_child, _ep_set(1, referral_nfa=None)),
    "8815": (cp_child, _ep_set(0, closure_date=None, closure_reason="")),
    "8820": (cp_child, _ep_set(0, closure_date=D(2025, 9, 5))),
    "8565": (cp_child, _ep_set(0, closure_date=D(2025, 5, 10))),
    "8585Q": (cp_child, _ep_set(0, closure_reason="RC2")),
    "8555Q": (cp_child, _set(death_date=D(2025, 8, 1))),
    "2884": (cp_child, _ep_set(1, initial_cpc=D(2025, 9, 30))),
    "4000": (plan_child, _ep_set(0, referral_nfa=True)),
    "8831": (cp_child, _ep_set(0, referral_nfa=True)),
    "8832": (cp_child, _ep_set(1, referral_nfa=True)),
    "2990": (cp_child, _ep_set(1, closure_date=D(2026, 1, 12), closure_reason="RC8")),
    "8825Q": (cp_child, _ep_set(0, assessments=[])),
    "8867": (
        cp_child,
        _do(
            lambda c: (
                c.episodes[0].assessments[0].__setattr__("authorised", None)
                or c.episodes[0].assessments[0].__setattr__("factors", [])
            )
        ),
    ),
    "8868": (cp_child, _closed_s47_waiting),
    "1103": (cp_child, _ass("start", D(2025, 8, 20))),
    "8608": (cp_child, _ass("authorised", D(2025, 8, 1))),
    "8614": (cp_child, _ass("authorised", None)),
    "8696": (cp_child, _ass("authorised", D(2026, 4, 7))),
    "8869": (cp_child, _ass("factors", ["21", "3B"])),
    "8898": (cp_child, _ass("factors", ["3B", "3B"])),
    "8897Q": (cp_child, _ass("factors", [])),
    "8945Q": (cp_child, _ass("factors", ["18A"])),
    "8950Q": (cp_child, _ass("factors", ["19A"])),
    "8873Q": (
        cp_child,
        _do(
            lambda c: (
                setattr(c.episodes[0], "closure_reason", "RC7")
                or setattr(c.episodes[0].assessments[0], "factors", ["21"])
            )
        ),
    ),
    "8896": (cp_child, _two_open_assessments),
    "8863Q": (cp_child, _overlapping_assessments),
    "4010": (plan_child, _plan("start", None)),
    "4011": (plan_child, _plan("end", D(2025, 6, 1))),
    "4012Q": (plan_child, _plan("end", D(2025, 6, 15))),
    "4013": (plan_child, _plan("end", D(2026, 5, 1))),
    "4015": (plan_child, _plan("start", D(2025, 4, 20))),
    "4004": (plan_child, _two_open_plans),
    "4008": (plan_child, _set(death_date=D(2025, 6, 1))),
    "2889": (cp_child, _s47("start", D(2025, 8, 25))),
    "1104": (cp_child, _s47("icpc_date", D(2025, 8, 29))),
    "8615": (cp_child, _s47("start", D(2025, 10, 2))),
    "8875": (
        cp_child,
        _do(
            lambda c: (
                setattr(_ep(c).section47s[0], "icpc_date", D(2025, 9, 27))
                or setattr(_ep(c).cp_plans[0], "start", D(2025, 9, 27))
            )
        ),
    ),
    "8870Q": (cp_child, _s47("icpc_target", D(2025, 10, 4))),
    "8839": (cp_child, _two_waiting_s47),
    "8890": (cp_child, _overlapping_s47),
    "1105": (cp_child, _cpp("start", D(2025, 8, 20))),
    "8720": (cp_child, _cpp("start", None)),
    "8730": (cp_child, _cpp("previous_plans", None)),
    "8840": (cp_child, _cpp("end", D(2025, 9, 30))),
    "8841": (cp_child, _cpp("reviews", [D(2025, 9, 30)])),
    "8905": (cp_child, _cpp("initial_category", "XXX")),
    "8910": (cp_child, _cpp("latest_category", "")),
    "8915": (cp_child, _set(death_date=D(2025, 9, 15))),
    "8920": (
        cp_child,
        _do(
            lambda c: (
                setattr(_ep(c).cp_plans[0], "end", D(2025, 12, 20))
                or setattr(c, "death_date", D(2025, 12, 17))
            )
        ),
    ),
    "8925": (cp_child, _cpp("end", D(2025, 9, 20))),
    "8930": (cp_child, _cpp("end", D(2026, 5, 1))),
    "8935": (cp_child, _two_open_cpps),
    "2883": (cp_child, _plans_without_conference),
    "8590": (cp_child, _set(episodes=[])),
}


def broken_children() -> tuple[list[CINChild], dict[str, str]]:
    """Two clean children, then one broken copy per rule; returns the children and,
    for each rule, the LA child ID of the copy broken for it."""
    children = [cp_child(0), plan_child(0)]
    target: dict[str, str] = {}
    for n, (code, (make, mutate)) in enumerate(MUTATIONS.items(), start=1):
        child = copy.deepcopy(make(n))
        mutate(child)
        children.append(child)
        target[code] = child.la_child_id
    return children, target
