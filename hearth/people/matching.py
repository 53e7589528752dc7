"""The "people it may be" search: as someone types a name, date of birth, postcode or
NHS number, the people the record may be, ranked, each with a score, a label and the
reasons.

Two steps, so the search stays fast at a million people:

1. Candidates by blocking keys. Every person has a few short keys in
   `PersonMatchKey` (one indexed table), built from each name they have had, each
   date they were (or are expected to be) born and each postcode they have lived at.
   A query makes the keys it can and fetches the people sharing any of them in one
   indexed query. The keys overlap on purpose, so that a query with one or two
   errors (a typo, a nickname, a changed surname, day and month swapped, no date of
   birth) still shares at least one key with the right person:

   ==========================  ===================================================
   ``n:<nhs>``                 NHS number
   ``d:<yyyymmdd>``            date of birth, or expected date of birth if unborn
                               (the query also asks for its day-and-month swap)
   ``s:<family>:<yyyy>:<i>``   family name sound (each name had) + birth year +
                               given name's initial
   ``g:<given>:<yyyy>:<i>``    given name sound + birth year + family name's initial
   ``md:<family>:<mmdd>``      family name sound + birthday (a year mistyped)
   ``gd:<given>:<mmdd>``       given name sound + birthday
   ``ns:<given>:<family>``     given and family name sounds (no date of birth)
   ``pc:<postcode>``           every postcode lived at, current or past
   ==========================  ===================================================

   Name sounds are Soundex codes; a given name's are those of its nickname groups'
   names (each name had, preferred and middle names too), so Bill and William share
   a key, and so do most typos.

2. Scoring in Python. Each field is compared (rapidfuzz Jaro-Winkler on normalised
   names, the nickname groups in ``data/nicknames.toml``, date-of-birth typos) and
   gives a match weight, as in Fellegi-Sunter and Splink: positive when the field
   agrees, negative when it clearly disagrees, nothing when it is missing. The sum
   maps to a score of 0-100 and a label:

   - strong: the given name agrees (equal, a nickname or a close spelling), the
     family name agrees (or a previous one does), the date of birth agrees (or is
     swapped; a one-digit typo only with the same postcode), no NHS number conflicts,
     and the score is at least 85. The same NHS number is decisive on its own.
   - possible: score at least 50, or anything short of strong above that.
   - weak: the rest.

   Siblings and twins share a family name, an address and sometimes a birthday, and
   cause almost all false matches in family-shaped data; so a candidate whose given
   name clearly differs (not equal, not a nickname, not a close spelling; two
   different names from the names list always differ) is never strong, whatever else
   matches.

`find_candidates` is pure matching and knows nothing of the user; `people_match`
is what pages and the API call: it drops people outside the user's scope and marks
restricted ones, whose details must not be shown.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Max, Min
from rapidfuzz.distance import OSA, JaroWinkler

from hearth.accounts import policy
from hearth.people.identifiers import normalise_nhs_number, normalise_postcode
from hearth.people.models import (
    Address,
    Person,
    PersonKind,
    PersonMatchKey,
    PersonName,
    normalise_name,
)

if TYPE_CHECKING:
    from hearth.accounts.models import User

NICKNAMES_FILE = Path(__file__).parent / "data" / "nicknames.toml"

# How many people the key lookup may return; those sharing the most keys come first.
CANDIDATE_CAP = 100
STRONG_SCORE = 85
POSSIBLE_SCORE = 50
# Jaro-Winkler similarity at or above which two names are "close" (a typo or spelling
# variant) or merely "similar" (not enough to be sure it is the same name).
GIVEN_CLOSE, FAMILY_CLOSE, SIMILAR = 0.90, 0.88, 0.84
# How far from the expected date a baby may be born and still count as "near".
NEAR_EXPECTED_DAYS = 60
REBUILD_BATCH = 20_000
# Changes whenever the keys `_keys` makes change, so stored keys can be known stale.
KEYS_VERSION = 3
KEY_INDEX = "matchkey_key_person"  # PersonMatchKey.Meta.indexes


class Label(enum.StrEnum):
    STRONG = "strong"
    POSSIBLE = "possible"
    WEAK = "weak"


@dataclass(frozen=True)
class MatchQuery:
    """What the searcher typed; any part may be missing."""

    given_name: str = ""
    family_name: str = ""
    date_of_birth: dt.date | None = None
    postcode: str = ""
    nhs_number: str = ""

    @property
    def empty(self) -> bool:
        return not (
            self.given_name.strip()
            or self.family_name.strip()
            or self.date_of_birth
            or self.postcode.strip()
            or self.nhs_number.strip()
        )


@dataclass(frozen=True)
class Candidate:
    person_id: int
    local_id: str
    name: str
    date_of_birth: dt.date | None
    expected_date_of_birth: dt.date | None
    score: int
    label: Label
    reasons: tuple[str, ...]
    weight: float = field(default=0.0, compare=False)


# --- Names ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Nicknames:
    members: dict[str, frozenset[str]]  # group head -> every name in the group
    heads: dict[str, frozenset[str]]  # name -> heads of the groups it is in (and itself)
    known: frozenset[str]  # every name in the file: real names, not typos


@cache
def _nicknames() -> _Nicknames:
    data = tomllib.loads(NICKNAMES_FILE.read_text(encoding="utf-8"))
    members: dict[str, set[str]] = defaultdict(set)
    heads: dict[str, set[str]] = defaultdict(set)
    for group in data.get("groups", []):
        names = [normalise_name(n).replace(" ", "") for n in group]
        head = names[0]
        for name in names:
            members[head].add(name)
            heads[name].add(head)
    known = set(heads) | {normalise_name(n).replace(" ", "") for n in data.get("names", [])}
    return _Nicknames(
        members={k: frozenset(v) for k, v in members.items()},
        heads={k: frozenset(v | {k}) for k, v in heads.items()},
        known=frozenset(known),
    )


def name_groups(given: str) -> frozenset[str]:
    """The nickname groups (named by their head) a normalised given name belongs to;
    a name in no group is its own group."""
    return _nicknames().heads.get(given) or frozenset({given})


def are_nicknames(a: str, b: str) -> bool:
    """Whether one normalised given name may stand for the other (Bill and William,
    Peggy and Margaret). Two nicknames of one name are not nicknames of each other:
    Mia and Millie are sisters' names, though both come from Amelia."""
    if a == b:
        return True
    members = _nicknames().members
    return b in members.get(a, ()) or a in members.get(b, ())


def is_known_name(given: str) -> bool:
    return given in _nicknames().known


_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556")


def soundex(name: str) -> str:
    """American Soundex of a normalised name (Smith and Smyth are both S530)."""
    letters = re.sub(r"[^a-z]", "", name)
    if not letters:
        return ""
    codes = letters.translate(_SOUNDEX)
    out = letters[0].upper()
    last = codes[0]
    for letter, code in zip(letters[1:], codes[1:], strict=True):
        if code.isdigit():
            if code != last:
                out += code
                if len(out) == 4:
                    break
            last = code
        elif letter not in "hw":  # h and w do not separate two equal codes; vowels do
            last = ""
    return out.ljust(4, "0")


def _family_variants(raw: str) -> list[str]:
    """A family name as searched: whole, and each part of a double-barrelled name."""
    whole = normalise_name(raw).replace(" ", "")
    parts = [normalise_name(p) for p in re.split(r"[-\s]+", raw or "")]
    parts = [p for p in parts if p and p != whole]
    return [whole, *parts] if whole else parts


def _first_word(norm: str) -> str:
    return norm.split(" ", 1)[0] if norm else ""


def _first_name(text: str) -> str:
    """The first word of a name as typed, normalised; quick for plain ASCII names."""
    word = text.split(None, 1)[0].lower() if text and not text.isspace() else ""
    return word if word.isascii() and word.isalpha() else _first_word(normalise_name(text))


def _other_family(raw: str, norm: str) -> list[str]:
    """_family_variants, quick for a one-word name already normalised."""
    if "-" in raw or " " in norm:
        return _family_variants(raw)
    return [norm] if norm else []


def _swap_day_month(day: dt.date) -> dt.date | None:
    if day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


# --- Blocking keys ----------------------------------------------------------------


@dataclass
class _KeySource:
    """What a person's keys are made from."""

    given: set[str] = field(default_factory=set)
    family: set[str] = field(default_factory=set)
    dates: set[dt.date] = field(default_factory=set)
    postcodes: set[str] = field(default_factory=set)
    nhs: str = ""
    initials: set[str] = field(default_factory=set)  # a given name typed as an initial


def _keys(src: _KeySource, *, query: bool = False) -> set[str]:
    keys: set[str] = set()
    if src.nhs:
        keys.add(f"n:{src.nhs}")
    # Given names by the sound of their nickname groups' names: Bill and William share
    # one, and so do most typos (Charltote, Charlotte).
    given = {soundex(g) for name in src.given for g in name_groups(name)} - {""}
    family = {soundex(f) for f in src.family} - {""}
    # The other name's first letter narrows the name-and-year keys tenfold; typos seldom
    # touch a first letter, and a nickname's (Bill) is covered by its group's sound.
    # "_" stands for no given name: an unborn child is found by any search for the
    # family name and year (there are few), named or not.
    given_initials = ({g[0] for g in src.given if g} | src.initials) or {"_"}
    if query:
        given_initials.add("_")
    family_initials = {f[0] for f in src.family if f}
    dates = set(src.dates)
    if query:
        # A date typed with day and month the wrong way round is the commonest error.
        dates |= {s for s in (_swap_day_month(d) for d in src.dates) if s is not None}
    for day in dates:
        keys.add(f"d:{day:%Y%m%d}")
        keys.update(f"s:{f}:{day:%Y}:{i}" for f in family for i in given_initials)
        keys.update(f"g:{g}:{day:%Y}:{i}" for g in given for i in family_initials)
        # Without the year, for a year mistyped together with one name.
        keys.update(f"md:{f}:{day:%m%d}" for f in family)
        keys.update(f"gd:{g}:{day:%m%d}" for g in given)
    keys.update(f"ns:{g}:{f}" for g in given for f in family)
    keys.update(f"pc:{p}" for p in src.postcodes)
    return keys


def query_keys(query: MatchQuery) -> set[str]:
    src = _KeySource(nhs=normalise_nhs_number(query.nhs_number))
    given = normalise_name(query.given_name)
    if len(given) > 1:
        src.given = {_first_word(given)}
    elif given:  # an initial alone would match half the town; it narrows s: keys only
        src.initials = {given}
    src.family = set(_family_variants(query.family_name))
    if query.date_of_birth:
        src.dates = {query.date_of_birth}
    if query.postcode.strip():
        src.postcodes = {normalise_postcode(query.postcode)}
    return _keys(src, query=True)


def _person_key_sources(where: dict[str, Any]) -> dict[int, _KeySource]:
    """Key sources of the people chosen by `where` (a filter on the person's id:
    ``{"in": ids}`` or ``{"gte": first, "lt": after}``), in three queries."""
    by_pk = {f"pk__{op}": value for op, value in where.items()}
    by_person = {f"person_id__{op}": value for op, value in where.items()}
    sources: dict[int, _KeySource] = {}
    # Merged records are found through their survivor only: they have no keys.
    people = Person.objects.filter(**by_pk, merged_into__isnull=True).order_by().values_list(
        "pk", "given_name_norm", "preferred_name", "middle_names", "family_name",
        "date_of_birth", "expected_date_of_birth", "nhs_number",
    )  # fmt: skip
    for pk, given, preferred, middle, family, born, expected, nhs in people:
        src = _KeySource(nhs=nhs or "")
        src.given = {
            _first_word(w) for w in (given, normalise_name(preferred), normalise_name(middle)) if w
        }
        src.family = set(_family_variants(family))
        src.dates = {d for d in (born, expected) if d}
        sources[pk] = src
    names = PersonName.objects.filter(**by_person).order_by()
    for pk, given, family in names.values_list("person_id", "given_name_norm", "family_name"):
        named = sources.get(pk)  # None: a merged record's other name
        if named is None:
            continue
        if given:
            named.given.add(_first_word(given))
        named.family.update(_family_variants(family))
    addresses = Address.objects.filter(**by_person).order_by()
    for pk, postcode in addresses.values_list("person_id", "postcode"):
        if postcode and pk in sources:
            sources[pk].postcodes.add(normalise_postcode(postcode))
    return sources


def _batches(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    batch: list[int] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert_keys(sources: dict[int, _KeySource]) -> int:
    rows = [(pk, key) for pk, src in sources.items() for key in _keys(src)]
    table, key = PersonMatchKey._meta.db_table, connection.ops.quote_name("key")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is several times faster than INSERT for a million people.
            with cursor.cursor.copy(f"COPY {table} (person_id, {key}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} (person_id, {key}) VALUES (%s, %s)"  # noqa: S608
            cursor.executemany(sql, rows)
    return len(rows)


@transaction.atomic
def match_keys_rebuild(person_ids: Iterable[int] | None = None) -> int:
    """(Re)compute the blocking keys of these people, or of everyone; returns how many
    keys were written. Services call it after each change to a person's names, dates
    or addresses; bulk loaders (the demo generator, imports) call it once at the end.
    """
    if person_ids is not None:
        written = 0
        for batch in _batches(sorted(set(person_ids)), 900):  # under SQLite's parameter limit
            PersonMatchKey.objects.filter(person_id__in=batch).delete()
            written += _insert_keys(_person_key_sources({"in": batch}))
        return written
    # Everyone: empty the table, and build the lookup index once at the end rather
    # than keep it in order through millions of inserts. (Plain SQL: SQLite's schema
    # editor will not run inside a transaction.)
    table, key = PersonMatchKey._meta.db_table, connection.ops.quote_name("key")
    PersonMatchKey.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {KEY_INDEX}")
    written = 0
    bounds = Person.objects.aggregate(first=Min("pk"), last=Max("pk"))
    if bounds["first"] is not None:
        for start in range(bounds["first"], bounds["last"] + 1, REBUILD_BATCH):
            written += _insert_keys(
                _person_key_sources({"gte": start, "lt": start + REBUILD_BATCH})
            )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Check the deferred foreign keys now: PostgreSQL builds no index on a table
            # with checks pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(f"CREATE INDEX {KEY_INDEX} ON {table} ({key}, person_id)")
        cursor.execute(f"ANALYZE {table}")
    return written


# --- Scoring ----------------------------------------------------------------------


class Agree(enum.IntEnum):
    """How well one field agrees, best first."""

    SAME = 1
    EXPECTED = 2  # date of birth equals the unborn child's expected date
    PREVIOUS = 3  # a previous or other name agrees
    NICKNAME = 4
    SWAPPED = 5  # day and month swapped
    CLOSE = 6  # a typo or spelling variant
    PART = 7  # one part of a double-barrelled family name
    TYPO = 8  # date of birth one digit out
    YEAR = 9  # same day and month, year one out
    NEAR = 10  # born near the expected date
    PAST = 11  # a postcode lived at before
    SIMILAR = 12
    MONTH = 13  # same month and year of birth
    INITIAL = 14
    BLANK = 15  # nothing to compare
    UNSURE = 16  # differs from a date that was only expected
    DIFFER = 17


GIVEN_WEIGHT = {Agree.SAME: 6.0, Agree.PREVIOUS: 5.5, Agree.NICKNAME: 5.0, Agree.CLOSE: 4.0,
                Agree.SIMILAR: 1.0, Agree.INITIAL: 1.0, Agree.BLANK: 0.0,
                Agree.DIFFER: -6.0}  # fmt: skip
FAMILY_WEIGHT = {Agree.SAME: 6.0, Agree.PREVIOUS: 5.5, Agree.CLOSE: 4.0, Agree.PART: 4.0,
                 Agree.SIMILAR: 1.0, Agree.BLANK: 0.0, Agree.DIFFER: -4.0}  # fmt: skip
DOB_WEIGHT = {Agree.SAME: 9.0, Agree.EXPECTED: 8.0, Agree.SWAPPED: 6.0, Agree.TYPO: 4.0,
              Agree.YEAR: 4.0, Agree.NEAR: 4.0, Agree.MONTH: 1.0, Agree.BLANK: 0.0,
              Agree.UNSURE: -4.0, Agree.DIFFER: -8.0}  # fmt: skip
POSTCODE_WEIGHT = {Agree.SAME: 4.0, Agree.PAST: 3.0, Agree.CLOSE: 1.5, Agree.BLANK: 0.0,
                   Agree.DIFFER: -1.5}  # fmt: skip
NHS_SAME, NHS_DIFFER = 20.0, -12.0

GIVEN_AGREES = {Agree.SAME, Agree.PREVIOUS, Agree.NICKNAME, Agree.CLOSE}
FAMILY_AGREES = {Agree.SAME, Agree.PREVIOUS, Agree.CLOSE, Agree.PART}
DOB_AGREES = {Agree.SAME, Agree.EXPECTED, Agree.SWAPPED}
DOB_AGREES_WITH_POSTCODE = {Agree.TYPO, Agree.YEAR, Agree.NEAR}


def _score(weight: float) -> int:
    """Match weight to 0-100: 50 at weight 10; same name and date of birth is ~98."""
    return round(100 / (1 + math.exp(-(weight - 10) / 3)))


def _title(norm: str) -> str:
    return " ".join(w.capitalize() for w in norm.split())


def _date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


# A reason is its text, or a function making it: most candidates are scored and
# dropped, so their reasons are never written out.
Reason = str | Callable[[], str]


def _text(reason: Reason) -> str:
    return reason if isinstance(reason, str) else reason()


@dataclass
class _Prepared:
    given: str
    given_first: str
    given_raw: str
    given_known: bool
    family: list[str]
    family_raw: str
    dob: dt.date | None
    dob_iso: str
    swapped_iso: str
    postcode: str
    nhs: str
    # Brothers, sisters and namesakes share names: each is compared once a search.
    given_seen: dict[tuple[Any, ...], tuple[Agree, Reason]] = field(default_factory=dict)
    family_seen: dict[tuple[Any, ...], tuple[Agree, Reason]] = field(default_factory=dict)
    # And each name and date compared once, whoever holds it: most candidates share a
    # common given name, a family name or a date of birth with another.
    given_one: dict[str, Agree] = field(default_factory=dict)
    family_one: dict[str, Agree] = field(default_factory=dict)
    dob_seen: dict[tuple[str, str], tuple[Agree, Reason]] = field(default_factory=dict)


def _prepare(query: MatchQuery) -> _Prepared:
    given = normalise_name(query.given_name)
    first = _first_word(given)
    dob = query.date_of_birth
    swapped = _swap_day_month(dob) if dob else None
    return _Prepared(
        given=given,
        given_first=first,
        given_raw=query.given_name.strip(),
        given_known=is_known_name(first),
        family=_family_variants(query.family_name),
        family_raw=query.family_name.strip(),
        dob=dob,
        dob_iso=dob.isoformat() if dob else "",
        swapped_iso=swapped.isoformat() if swapped else "",
        postcode=normalise_postcode(query.postcode) if query.postcode.strip() else "",
        nhs=normalise_nhs_number(query.nhs_number),
    )


@dataclass(slots=True)
class _Row:
    """What scoring needs of one candidate (dates as YYYY-MM-DD, "" when unknown)."""

    id: int
    local_id: str
    kind: str
    given: str
    given_norm: str
    preferred: str
    middle: str
    family: str
    family_norm: str
    born: str
    expected: str
    nhs: str
    # Other names: (given normalised, family as written, family normalised).
    others: tuple[tuple[str, str, str], ...] = ()
    addresses: list[tuple[str, str, str]] = field(default_factory=list)  # postcode, in, out

    def family_variants(self) -> list[str]:
        # Most family names are one word: skip the splitting for them.
        if " " in self.family_norm or "-" in self.family:
            return _family_variants(self.family)
        return [self.family_norm] if self.family_norm else []


def _compare_given_one(q: _Prepared, name: str) -> Agree:
    agree = q.given_one.get(name)
    if agree is None:
        agree = q.given_one[name] = _compare_given_name(q, name)
    return agree


def _compare_given_name(q: _Prepared, name: str) -> Agree:
    first = _first_word(name)
    if q.given == name or q.given_first == first:
        return Agree.SAME
    if len(q.given) == 1 or len(first) == 1:
        return Agree.INITIAL if q.given[0] == first[0] else Agree.DIFFER
    if are_nicknames(q.given_first, first):
        return Agree.NICKNAME
    if q.given_known and is_known_name(first):
        # Two different real names (Oliver and Olivia) are two people, however alike.
        return Agree.DIFFER
    similarity = JaroWinkler.similarity(q.given_first, first)
    if similarity >= GIVEN_CLOSE or (
        min(len(first), len(q.given_first)) >= 4 and OSA.distance(q.given_first, first) <= 1
    ):
        return Agree.CLOSE
    return Agree.SIMILAR if similarity >= SIMILAR else Agree.DIFFER


def _compare_given(q: _Prepared, row: _Row) -> tuple[Agree, Reason]:
    """Best agreement of the query's given name with any of the person's, and why."""
    if not q.given:
        return Agree.BLANK, ""
    given = row.given_norm
    if not given and row.kind == PersonKind.UNBORN:
        return Agree.BLANK, "No given name recorded yet"
    typed = q.given_raw or q.given
    best: Agree
    if given:
        agree = _compare_given_one(q, given)
        if agree is Agree.SAME:
            return agree, "Same given name"
        best, source, shown = agree, "given", given
    else:
        best, source, shown = Agree.DIFFER, "", ""
    others: list[tuple[str, str]] = []  # (normalised, where from)
    if row.preferred:
        others.append((_first_name(row.preferred), "preferred"))
    if row.middle:
        others.append((_first_name(row.middle), "middle"))
    others += [(g, "other") for g, _raw, _norm in row.others if g]
    for norm, where in others:
        agree = _compare_given_one(q, norm)
        if agree is Agree.SAME:
            agree = Agree.PREVIOUS
        if agree < best:
            best, source, shown = agree, where, norm

    def label() -> str:
        return _title(shown)

    if best is Agree.PREVIOUS:
        texts = {
            "preferred": "Given name is the name they are known by ({})",
            "middle": "Given name is their middle name ({})",
        }
        template = texts.get(source, "Given name matches another name they have had ({})")
        return best, lambda: template.format(label())
    if best is Agree.NICKNAME:
        return best, lambda: f"Given name is a nickname ({typed} = {label()})"
    if best is Agree.CLOSE:
        return best, lambda: f"Given name close ({typed} ~ {label()})"
    if best is Agree.SIMILAR:
        return best, lambda: f"Given name similar ({typed} ~ {label()})"
    if best is Agree.INITIAL:
        return best, lambda: f"Same initial ({label()[:1]})"
    if not given:
        return Agree.BLANK, "No given name recorded"
    return Agree.DIFFER, lambda: f"Given name differs ({typed} / {_title(given)})"


def _compare_family_one(q: _Prepared, name: str) -> Agree:
    agree = q.family_one.get(name)
    if agree is None:
        agree = q.family_one[name] = _compare_family_name(q, name)
    return agree


def _compare_family_name(q: _Prepared, name: str) -> Agree:
    whole = q.family[0]
    if whole == name:
        return Agree.SAME
    similarity = JaroWinkler.similarity(whole, name)
    if similarity >= FAMILY_CLOSE or (
        min(len(name), len(whole)) >= 4 and OSA.distance(whole, name) <= 1
    ):
        return Agree.CLOSE
    return Agree.SIMILAR if similarity >= SIMILAR else Agree.DIFFER


def _compare_family(q: _Prepared, row: _Row) -> tuple[Agree, Reason]:
    if not q.family:
        return Agree.BLANK, ""
    current = row.family_variants()
    if not current:
        return Agree.BLANK, ""
    agree = _compare_family_one(q, current[0])
    if agree is Agree.SAME:
        return agree, "Same family name"
    typed, recorded = q.family_raw or _title(q.family[0]), row.family
    # A previous surname (a child takes a step-parent's name, a mother remarries).
    for _given, family, norm in row.others:
        if q.family[0] in _other_family(family, norm):
            return Agree.PREVIOUS, f"Previous family name matches ({_title(norm)})"
    # One half of a double-barrelled name, either way round.
    if len(current) > 1 and q.family[0] in current[1:]:
        return Agree.PART, lambda: f"Family name is part of {recorded}"
    if len(q.family) > 1 and current[0] in q.family[1:]:
        return Agree.PART, lambda: f"Family name {recorded} is part of {typed}"
    if agree is Agree.CLOSE:
        return agree, lambda: f"Family name close ({typed} ~ {recorded})"
    for _given, family, norm in row.others:
        variants = _other_family(family, norm)
        if variants and _compare_family_one(q, variants[0]) is Agree.CLOSE:
            return Agree.CLOSE, f"Previous family name close ({typed} ~ {_title(norm)})"
    if agree is Agree.SIMILAR:
        return agree, lambda: f"Family name similar ({typed} ~ {recorded})"
    return Agree.DIFFER, lambda: f"Family name differs ({typed} / {recorded})"


def _one_digit_apart(x: str, y: str) -> bool:
    """Two YYYY-MM-DD dates one digit apart, or with two neighbouring digits swapped
    (2015 typed as 2051, 14 as 41)."""
    diffs = [i for i in range(10) if x[i] != y[i]]
    if len(diffs) == 1:
        return True
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and x[diffs[0]] == y[diffs[1]]
        and x[diffs[1]] == y[diffs[0]]
    )


def _compare_dob(q: _Prepared, row: _Row) -> tuple[Agree, Reason]:
    if not q.dob_iso:
        return Agree.BLANK, ""
    born, expected, wanted = row.born, row.expected, q.dob_iso
    if not born and not expected:
        return Agree.BLANK, "No date of birth recorded"
    if born == wanted:
        return Agree.SAME, "Same date of birth"
    if expected == wanted:
        return Agree.EXPECTED, "Same as the expected date of birth"
    if q.swapped_iso and q.swapped_iso in (born, expected):
        swapped = q.swapped_iso
        return Agree.SWAPPED, lambda: f"Day and month swapped ({_date(swapped)})"
    for day in (born, expected):
        # A date mistyped, whether the date of birth or the expected date.
        if day and _one_digit_apart(wanted, day):
            shown = _date(day)
            return Agree.TYPO, f"Date of birth one digit different ({shown})"
        if day and day[4:] == wanted[4:] and abs(int(day[:4]) - int(wanted[:4])) == 1:
            return Agree.YEAR, f"Same birthday, year one out ({day[:4]})"
    if (
        expected
        and q.dob is not None
        and abs((q.dob - dt.date.fromisoformat(expected)).days) <= NEAR_EXPECTED_DAYS
    ):
        return Agree.NEAR, lambda: f"Born near the expected date ({_date(expected)})"
    if not born:
        # An expected date is only a guess, so missing it counts for less.
        return Agree.UNSURE, lambda: f"Different expected date of birth ({_date(expected)})"
    if born[:7] == wanted[:7]:
        return Agree.MONTH, lambda: f"Same month and year of birth ({_date(born)})"
    return Agree.DIFFER, lambda: f"Different date of birth ({_date(born)})"


def _years(moved_in: str, moved_out: str) -> str:
    if moved_in and moved_out:
        if moved_in[:4] == moved_out[:4]:
            return f"lived there in {moved_in[:4]}"
        return f"lived there {moved_in[:4]}–{moved_out[:4]}"
    if moved_out:
        return f"lived there until {moved_out[:4]}"
    return "lived there before"


def _compare_postcode(q: _Prepared, row: _Row) -> tuple[Agree, Reason]:
    if not q.postcode or not row.addresses:
        return Agree.BLANK, ""
    best, reason = Agree.BLANK, ""
    wanted = q.postcode
    for postcode, moved_in, moved_out in row.addresses:
        if postcode == wanted:
            if not moved_out:
                return Agree.SAME, f"Same postcode ({postcode})"
            if best > Agree.PAST:
                best, reason = (
                    Agree.PAST,
                    f"Same postcode ({postcode}, {_years(moved_in, moved_out)})",
                )
        elif (
            best > Agree.CLOSE
            and len(postcode) == len(wanted)
            and sum(a != b for a, b in zip(postcode, wanted, strict=True)) == 1
        ):
            best, reason = Agree.CLOSE, f"Postcode close ({wanted} ~ {postcode})"
    if best is Agree.BLANK:
        # Addresses on record, none of them the one searched for.
        return Agree.DIFFER, f"No address at {wanted} on record"
    return best, reason


@dataclass(slots=True)
class _Scored:
    row: _Row
    weight: float
    score: int
    label: Label
    # Each field's agreement and its reason: the reasons are written out only for the
    # candidates shown.
    nhs: Agree
    given: tuple[Agree, Reason]
    family: tuple[Agree, Reason]
    dob: tuple[Agree, Reason]
    postcode: tuple[Agree, Reason]

    def reasons(self) -> tuple[str, ...]:
        out: list[Reason] = []
        if self.nhs is not Agree.BLANK:
            out.append("Same NHS number" if self.nhs is Agree.SAME else "Different NHS number")
        out += [r for _agree, r in (self.dob, self.family, self.given, self.postcode) if r]
        shares_family = (
            self.family[0] in FAMILY_AGREES
            or self.dob[0] in DOB_AGREES
            or self.postcode[0] in (Agree.SAME, Agree.PAST)
        )
        if self.given[0] is Agree.DIFFER and shares_family and self.nhs is not Agree.SAME:
            out.append("May be a brother, sister or twin: the given name is different")
        return tuple(_text(r) for r in out)


def _score_one(q: _Prepared, row: _Row) -> _Scored:
    weight = 0.0
    nhs = Agree.BLANK
    if q.nhs and row.nhs:
        nhs = Agree.SAME if q.nhs == row.nhs else Agree.DIFFER
        weight += NHS_SAME if nhs is Agree.SAME else NHS_DIFFER
    given_key = (row.given_norm, row.kind, row.preferred, row.middle, row.others)
    given_seen = q.given_seen.get(given_key)
    if given_seen is None:
        given_seen = q.given_seen[given_key] = _compare_given(q, row)
    family_key = (row.family, row.family_norm, row.others)
    family_seen = q.family_seen.get(family_key)
    if family_seen is None:
        family_seen = q.family_seen[family_key] = _compare_family(q, row)
    dates = (row.born, row.expected)
    dob_seen = q.dob_seen.get(dates)
    if dob_seen is None:
        dob_seen = q.dob_seen[dates] = _compare_dob(q, row)
    postcode_seen = _compare_postcode(q, row)
    given, family, dob, postcode = given_seen[0], family_seen[0], dob_seen[0], postcode_seen[0]
    weight += GIVEN_WEIGHT[given] + FAMILY_WEIGHT[family] + DOB_WEIGHT[dob]
    weight += POSTCODE_WEIGHT[postcode]
    score = _score(weight)
    if nhs is Agree.SAME or (
        score >= STRONG_SCORE
        and nhs is not Agree.DIFFER
        and (
            given in GIVEN_AGREES
            or (not q.given and not row.given_norm and row.kind == PersonKind.UNBORN)
        )
        and family in FAMILY_AGREES
        and (
            dob in DOB_AGREES
            or (dob in DOB_AGREES_WITH_POSTCODE and postcode in (Agree.SAME, Agree.PAST))
        )
        # Same name and birthday elsewhere may be someone else: a million people hold
        # a few such pairs.
        and postcode is not Agree.DIFFER
    ):
        label = Label.STRONG
    else:
        label = Label.POSSIBLE if score >= POSSIBLE_SCORE else Label.WEAK
        score = min(score, STRONG_SCORE - 1)  # the score never says more than the label
    return _Scored(row, weight, score, label, nhs, given_seen, family_seen, dob_seen,
                   postcode_seen)  # fmt: skip


def _candidate(scored: _Scored) -> Candidate:
    row = scored.row
    given_shown = row.preferred or row.given
    if row.kind == PersonKind.UNBORN and not given_shown:
        name = f"Unborn child of the {row.family} family"
    else:
        name = f"{given_shown} {row.family}".strip()
    return Candidate(
        person_id=row.id,
        local_id=row.local_id,
        name=name,
        date_of_birth=dt.date.fromisoformat(row.born) if row.born else None,
        expected_date_of_birth=dt.date.fromisoformat(row.expected) if row.expected else None,
        score=scored.score,
        label=scored.label,
        reasons=scored.reasons(),
        weight=scored.weight,
    )


_PERSON_COLUMNS = (
    "p.id, p.local_id, p.kind, p.given_name, p.given_name_norm, p.preferred_name, "
    "p.middle_names, p.family_name, p.family_name_norm, CAST(p.date_of_birth AS TEXT), "
    "CAST(p.expected_date_of_birth AS TEXT), p.nhs_number"
)


def _candidate_rows(query: MatchQuery, cap: int) -> list[_Row]:
    """The people sharing the most kinds of key with the query (the first two letters
    name the kind, so a name in many nickname groups does not count once per group),
    at most `cap`, with their fields and other names: one indexed query."""
    keys = sorted(query_keys(query))
    person, other = Person._meta.db_table, PersonName._meta.db_table
    if keys:
        table, key = PersonMatchKey._meta.db_table, connection.ops.quote_name("key")
        marks = ", ".join(["%s"] * len(keys))
        chosen = (
            f"SELECT person_id, COUNT(DISTINCT SUBSTR({key}, 1, 2)) AS kinds, COUNT(*) AS hits "  # noqa: S608
            f"FROM {table} WHERE {key} IN ({marks}) GROUP BY person_id "
            "ORDER BY kinds DESC, hits DESC, person_id LIMIT %s"
        )
        params: list[Any] = [*keys, cap]
    else:
        family = normalise_name(query.family_name)
        if not family:
            return []
        # A family name alone makes no key; look it up directly (both are indexed).
        chosen = (
            f"SELECT person_id FROM (SELECT id AS person_id FROM {person} "  # noqa: S608
            f"WHERE family_name_norm = %s UNION SELECT person_id FROM {other} "
            "WHERE family_name_norm = %s) f ORDER BY person_id LIMIT %s"
        )
        params = [family, family, cap]
    sql = (
        f"SELECT {_PERSON_COLUMNS}, n.given_name_norm, n.family_name, n.family_name_norm "  # noqa: S608
        f"FROM ({chosen}) c JOIN {person} p ON p.id = c.person_id "
        f"LEFT JOIN {other} n ON n.person_id = p.id WHERE p.merged_into_id IS NULL"
    )
    rows: dict[int, _Row] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for r in cursor.fetchall():
            row = rows.get(r[0])
            if row is None:
                row = rows[r[0]] = _Row(
                    r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9] or "",
                    r[10] or "", r[11],
                )  # fmt: skip
            if r[14] is not None:  # another name (previous name, alias)
                row.others = (*row.others, (r[12] or "", r[13], r[14]))
    return list(rows.values())


def _add_addresses(rows: list[_Row], postcode: str | None) -> None:
    """Each candidate's addresses: only those at `postcode` if given (everyone who
    lived there is one indexed lookup, quicker than each candidate's), else all."""
    if not rows:
        return
    by_id = {row.id: row for row in rows}
    for row in rows:
        row.addresses = []
    table = Address._meta.db_table
    columns = "person_id, postcode, CAST(moved_in AS TEXT), CAST(moved_out AS TEXT)"
    with connection.cursor() as cursor:
        if postcode:
            cursor.execute(f"SELECT {columns} FROM {table} WHERE postcode = %s", [postcode])  # noqa: S608
        else:
            marks = ", ".join(["%s"] * len(by_id))
            cursor.execute(
                f"SELECT {columns} FROM {table} WHERE person_id IN ({marks})",  # noqa: S608
                list(by_id),
            )
        for pk, code, moved_in, moved_out in cursor.fetchall():
            if pk in by_id:
                by_id[pk].addresses.append((code, moved_in or "", moved_out or ""))


def find_candidates(query: MatchQuery, *, limit: int = 10, min_score: int = 10) -> list[Candidate]:
    """The people this query may be, best first, with a score, label and reasons.

    Pure matching: everyone is considered. Callers showing results to a user go
    through `people_match`, which applies the access policy.
    """
    if query.empty:
        return []
    rows = _candidate_rows(query, CANDIDATE_CAP)
    if not rows:
        return []
    q = _prepare(query)
    if not q.postcode:
        scored = sorted((_score_one(q, row) for row in rows), key=_rank)
        return [_candidate(s) for s in scored[:limit] if s.score >= min_score]
    # Ranked knowing only who lived at the postcode searched for. Those shown who did
    # not are scored again with every address they had: a postcode mistyped, or none
    # like it at all.
    _add_addresses(rows, q.postcode)
    scored = sorted((_score_one(q, row) for row in rows), key=_rank)[:limit]
    elsewhere = [s.row for s in scored if not s.row.addresses]
    if elsewhere:
        _add_addresses(elsewhere, None)
        scored = sorted((_score_one(q, s.row) for s in scored), key=_rank)
    return [_candidate(s) for s in scored if s.score >= min_score]


def _rank(scored: _Scored) -> tuple[int, float, int]:
    return (-scored.score, -scored.weight, scored.row.id)


# --- With the access policy -------------------------------------------------------


@dataclass(frozen=True)
class ScopedCandidate:
    """A candidate as one user may see it: restricted ones show no details."""

    candidate: Candidate
    restricted: bool


def people_match(
    user: User, query: MatchQuery, *, limit: int = 10, min_score: int = 10
) -> list[ScopedCandidate]:
    """Candidates in the user's scope, best first. People outside it are left out as if
    they did not exist; restricted records the user may not open are marked so the
    page or API shows only that one exists."""
    candidates = find_candidates(query, limit=max(limit * 5, 50), min_score=min_score)
    if not candidates:
        return []
    ids = [c.person_id for c in candidates]
    people = Person.objects.filter(pk__in=ids)
    in_scope = set(policy.people_in_scope(user, people).values_list("pk", flat=True))
    openable = set(policy.visible_people(user, people).values_list("pk", flat=True))
    return [
        ScopedCandidate(candidate=c, restricted=c.person_id not in openable)
        for c in candidates
        if c.person_id in in_scope
    ][:limit]
