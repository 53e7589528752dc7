"""Synthetic people in the shape of families, and the searches a front door would
type for them, with the errors people make: for testing and benchmarking the "people
it may be" search. All names, dates and numbers are made up.

The hard part of person matching is the family, so the data is family-shaped:
brothers and sisters share a family name, a postcode and its history, and sometimes
a birthday (twins); mothers may carry a previous family name and so may children who
took a step-parent's name; a few families expect a baby; a few parents share a given
name with a child. Siblings' given names are always clearly different (not equal, not
a nickname of one another, not alike in spelling), as they are in life, so a search
for one must never be a strong match for the other.

The name pools, nicknames and errors here are written independently of the matcher's
nickname list, and include names that list does not know.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import JaroWinkler

from hearth.people.identifiers import nhs_check_digit
from hearth.people.matching import MatchQuery
from hearth.people.models import normalise_name


def _words(text: str) -> list[str]:
    return list(dict.fromkeys(text.split()))


BOYS = _words("""oliver george harry noah jack leo arthur muhammad oscar charlie jacob thomas henry
freddie alfie theo william theodore archie joshua alexander james isaac edward lucas
tommy finley max logan ethan mohammed teddy benjamin arlo joseph sebastian harrison
elijah adam daniel samuel louie mason reuben albie rory jaxon hugo luca zachary reggie
hunter louis dylan albert david jude frankie roman ezra toby riley carter ronnie
frederick gabriel stanley zac jenson elliot ralph michael elliott hudson caleb
ibrahim felix matthew ryan hamza yusuf ali omar aarav rohan arjun kacper jakub
filip szymon oskar nathan kai tyler callum connor kieran declan cian ewan robert
richard christopher anthony andrew peter stephen paul mark kevin gary wayne darren
lee craig dean shane jason carl nigel keith colin ian alan graham simon martin neil
tobias chidi emeka kwame kofi tariq bilal idris imran kian otis rufus ellis aaron abdul
adrian ajay alistair andre angus anton asher austin axel barnaby bertie billy blake bobby
bradley brandon brody cameron casey cole conor corey damian danny dante darius dawid denis
dexter dominic donovan douglas duncan eddie edgar edwin eli emmanuel enzo eric evan fabian
finn fletcher florian francis fraser gareth gavin gideon glen gordon grant gregory guy
hadley hamish harley harvey hassan hayden hector igor isaiah ivan jake jamal jamie jared
jasper jay jesse joel jonah jonathan jordan josiah julian justin kaden karim keegan kenneth
kit kyle lachlan lawrence leon levi liam lincoln lloyd lorenzo lucian luke malachi malik
marcus mario marley matteo maurice miles milo mitchell mohammad morgan musa nathaniel ned
nelson niall nico nikodem noel orlando owen patrick percy philip piotr quentin quinn rafael
ravi raymond rhys ricky robin rocco rowan ruben rupert russell sami samson scott sean sonny
spencer stefan steven sullivan syed teo terence tom travis trevor tristan troy umar vincent
wesley wilfred xavier yahya yasin zain zak zayn""")
GIRLS = _words("""olivia amelia isla ava ivy freya lily florence mia willow rosie sophia isabella
grace daisy sienna poppy elsie emily ella evelyn phoebe sofia evie charlotte harper
millie matilda maya sophie alice emilia isabelle ruby luna maisie aria penelope mila
bonnie eva hallie eliza ada violet esme arabella imogen jessica delilah layla
lottie margot thea ellie clara nancy eleanor orla rose hannah zara aisha maryam
fatima khadija zainab amira hafsa inaya priya anaya zofia julia lena natalia oliwia
niamh erin aoife caitlin megan chloe holly lauren bethany abigail rebecca samantha
victoria katie jennifer elizabeth margaret catherine susan deborah karen tracey
joanne nicola kelly lisa michelle claire louise sarah emma rachel amy hayley gemma
stacey danielle kirsty natasha leanne adaeze chioma folake temi amara nyla zuri
kiara wren hazel aurora ayla robyn nova adele agnes aisling alexa alexandra alicia alisha
alyssa amber amina andrea angela anna annabelle annie april ariana astrid autumn beatrice
bella bianca blossom brooke caitlyn callie cara carmen carys cassie celeste celia cerys
cherry cleo connie cora courtney darcie demi diana dolly dorothy edie eden effie eleni elena
elise ellen eloise elsa emmie esther eve everly evangeline faith felicity fern fiona florrie
francesca gabriella georgia georgina gracie gwen harriet heidi helena hermione hollie honey
honor hope ida iris isabel jade jasmine jemima jenna jodie josephine joy juliet kayla keira
kitty lacey lana lara laila leah leila lexi libby lilah liliana lola lorna louisa lucia
lydia mabel macie madeleine madison maeve mariam marnie martha mary maria melissa mercy
mollie molly nadia naomi nell nina norah olive paige pearl penny pippa polly primrose
rhianna rosa rosalie roxanne sadie safa sara scarlett serena sian stella summer suzanne
tallulah tamsin tara tess tilly valentina vanessa vera violet willa winnie yasmin zoe
zuzanna""")

# Nicknames and spelling variants searchers use (formal name -> what they type).
NICKNAMES = {
    "william": ["bill", "will", "liam"], "margaret": ["maggie", "peggy", "meg"],
    "elizabeth": ["beth", "lizzie", "libby"], "thomas": ["tom"], "james": ["jim", "jamie"],
    "alexander": ["alex", "sandy"], "robert": ["rob", "bob", "bobby"], "samuel": ["sam"],
    "daniel": ["dan", "danny"], "matthew": ["matt"], "joseph": ["joe", "joey"],
    "benjamin": ["ben", "benji"], "catherine": ["kate", "cathy"], "jessica": ["jess"],
    "rebecca": ["becky", "becca"], "victoria": ["vicky", "tori"], "charlotte": ["lottie"],
    "olivia": ["liv"], "isabella": ["bella", "izzy"], "edward": ["ed", "ted", "eddie"],
    "christopher": ["chris"], "jennifer": ["jen", "jenny"], "abigail": ["abbie", "abby"],
    "samantha": ["sam", "sammy"], "frederick": ["freddie", "fred"], "theodore": ["theo"],
    "jacob": ["jake"], "joshua": ["josh"], "michael": ["mike", "mick"],
    "zachary": ["zach", "zak"], "emily": ["em", "emmy"], "eleanor": ["ellie", "nell"],
    "florence": ["flo", "florrie"], "matilda": ["tilly"], "penelope": ["penny"],
    "sophia": ["sophie"], "stephen": ["steve"], "anthony": ["tony"], "andrew": ["andy"],
    "richard": ["rich", "ricky"], "deborah": ["debbie", "debs"], "susan": ["sue", "suzy"],
    "david": ["dave"], "peter": ["pete"], "nicola": ["nicky", "nikki"],
    "muhammad": ["mohammed", "mohamed"], "mohammed": ["muhammad", "mohamed"],
    "henry": ["harry", "hal"],
    "aisha": ["ayesha"], "gabriel": ["gabe"], "harrison": ["harry"],
    "nathan": ["nate"], "kacper": ["kasper"], "oliwia": ["olivia"],
    "zofia": ["sofia"], "jakub": ["kuba"], "natalia": ["natalie"],
}  # fmt: skip

SURNAMES = _words("""smith jones williams taylor brown davies evans wilson thomas johnson roberts
robinson thompson wright walker white edwards hughes green hall lewis harris clarke
patel jackson wood turner martin cooper hill ward morris moore clark lee king baker
harrison morgan allen james scott phillips watson davis parker price bennett young
griffiths mitchell kelly cook carter richardson bailey collins bell shaw murphy miller
cox richards khan marshall anderson simpson ellis adams singh begum wilkinson foster
chapman powell webb rogers gray mason ali hunt hussain campbell matthews owen palmer
holmes mills barnes knight lloyd butler russell barker fisher stevens jenkins murray
dixon harvey graham pearson ahmed fletcher walsh kaur gibson howard andrews stewart
elliott reynolds saunders payne fox ford pearce day brooks west lawrence cole atkinson
bradley spencer gill dawson ball burton obrien watts rose booth perry ryan grant wells
armstrong francis rees hayes hart hudson newman barrett webster hunter gregory carr
lowe page marsh riley dunn woods parsons berry stone reid holland hawkins harding
porter robertson newton oliver reed kennedy williamson bird gardner shah dean lane
cooke bates henderson parry burgess bishop walton burns nicholson shepherd ross cross
long freeman warren nicholls hamilton byrne sutton mcdonald yates hodgson robson curtis
hopkins oconnor harper coleman watkins moss mccarthy chambers obrien griffin sharp
hardy wheeler potter osborne johnston gordon doyle wallace george jordan hutchinson
rahman chowdhury islam uddin miah akhtar mahmood iqbal hussein malik nowak kowalski
wisniewski kaminski lewandowski zielinski okafor adeyemi okonkwo mensah asante
boateng owusu abdi mohamed farah hassan yilmaz demir nguyen tran chen wang li zhang
oneill mcneil macdonald mackenzie fraser donnelly quinn brennan gallagher""")
_PREFIXES = _words("""ash brad brom carr cres dun fair fen hal hart kings lang mor nor pen
ros shel stan thorn wal whit win wyn ald bur chal dal ever gar hol bel bright cald cam chad
clay cob craw cul dray eld farn fold gold grim hack hay hep hux kem ket lam lid lock mar mel
mid mil ned new ock par pick quen rad ray red rid rock rum sal sand sax stock stow sud swin
tad tam thorp tod tun wad war wat wed wem west wick wil yar""")
_SUFFIXES = _words("""ley ton ford wood by ham field well worth hurst combe more stead den
bury bridge cliffe dale gate hall holt land lock mere stone thwaite wick cott shaw worthy bourne
brook croft hill ridge side thorpe""")

TOWNS = ["Lambury", "Eastmere", "Hollin Bridge", "Caxton Vale", "Sedgecombe", "Farrowdale"]
STREETS = ["Acacia Road", "Mill Lane", "Church Street", "Station Road", "Victoria Close",
           "Orchard Way", "Park Avenue", "Meadow View", "Canal Street", "Holly Court"]  # fmt: skip
_AREAS = ["SE", "N", "E", "B", "M", "LS", "BS", "NG", "L", "S", "NE", "BN", "LE", "CV", "WV"]
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
TODAY = dt.date(2026, 11, 2)


@dataclass
class SynthAddress:
    line1: str
    town: str
    postcode: str
    moved_in: dt.date | None
    moved_out: dt.date | None


@dataclass
class SynthPerson:
    index: int
    family: int
    kind: str  # child, unborn, adult
    sex: str
    given: str
    family_name: str
    dob: dt.date | None = None
    expected: dt.date | None = None
    middle: str = ""
    nhs: str = ""
    previous_family_names: list[str] = field(default_factory=list)
    addresses: list[SynthAddress] = field(default_factory=list)
    hidden: bool = False  # generated but not stored: a sibling the record lacks
    twin_of: int | None = None
    pk: int | None = None  # set once stored
    duplicate_of: int | None = None  # a second record of people[duplicate_of]


@dataclass
class SynthQuery:
    query: MatchQuery
    case: str  # present, absent, sibling
    target: SynthPerson
    errors: list[str]


def _weights(n: int, offset: float, s: float = 0.9, total: float = 1.0) -> list[float]:
    """Zipf-like weights summing to `total`: a few common names and a long tail."""
    raw = [1 / (i + offset) ** s for i in range(n)]
    scale = total / sum(raw)
    return [w * scale for w in raw]


class FamilyGenerator:
    """Deterministic (by seed) family-shaped people and corrupted searches for them."""

    def __init__(self, seed: int = 1, *, postcodes_per_family: float = 0.1) -> None:
        self.rng = random.Random(seed)
        # Frequencies as in England and Wales: the commonest family name about 1.5% of
        # people, the commonest given name about 2% of each sex, and a long tail.
        tail = [p + s for p in _PREFIXES for s in _SUFFIXES if p[-1] != s[0]]
        self.surnames = SURNAMES + tail
        self.surname_w = _weights(len(SURNAMES), 6, total=0.4) + _weights(
            len(tail), 200, s=0.5, total=0.6
        )
        self.boy_w = _weights(len(BOYS), 12)
        self.girl_w = _weights(len(GIRLS), 12)
        self.postcodes_per_family = postcodes_per_family
        self._postcodes: list[str] = []
        self._nhs_used: set[str] = set()
        self.people: list[SynthPerson] = []
        self._family = 0

    # --- pieces ---

    def _surname(self) -> str:
        return self.rng.choices(self.surnames, self.surname_w)[0].capitalize()

    def _given(self, sex: str, avoid: list[str]) -> str:
        pool, weights = (BOYS, self.boy_w) if sex == "M" else (GIRLS, self.girl_w)
        for _ in range(50):
            name = self.rng.choices(pool, weights)[0]
            if all(_clearly_different(name, other) for other in avoid):
                return name.capitalize()
        return name.capitalize()

    def _postcode(self) -> str:
        self._more_postcodes(self._family + 1)
        return self.rng.choice(self._postcodes)

    def _more_postcodes(self, families: int) -> None:
        # A pool sized to the population, so a postcode holds several households.
        wanted = max(20, int(families * self.postcodes_per_family))
        while len(self._postcodes) < wanted:
            rng = self.rng
            outward = f"{rng.choice(_AREAS)}{rng.randint(1, 28)}"
            inward = (
                f"{rng.randint(1, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
            )
            self._postcodes.append(f"{outward} {inward}")

    def _address(self, moved_in: dt.date | None, moved_out: dt.date | None) -> SynthAddress:
        street = f"{self.rng.randint(1, 180)} {self.rng.choice(STREETS)}"
        return SynthAddress(street, self.rng.choice(TOWNS), self._postcode(), moved_in, moved_out)

    def _nhs(self) -> str:
        while True:
            first = f"{self.rng.randint(400_000_000, 499_999_999)}"
            check = nhs_check_digit(first)
            if check is not None and first + str(check) not in self._nhs_used:
                number = first + str(check)
                self._nhs_used.add(number)
                return number

    def _date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    # --- families ---

    def family(self) -> list[SynthPerson]:
        """One household: one or two parents, children (maybe twins, maybe a baby on
        the way), a current postcode and perhaps earlier ones."""
        rng = self.rng
        self._family += 1
        fam = self._family
        dad_name = self._surname()
        mum_maiden = self._surname()
        married = rng.random() < 0.6
        mum_name = dad_name if married else mum_maiden
        mum_born = self._date_between(dt.date(1975, 1, 1), dt.date(2004, 12, 31))
        members: list[SynthPerson] = []
        mum = self._person(fam, "adult", "F", mum_name, [], dob=mum_born)
        if married:
            mum.previous_family_names.append(mum_maiden)
        if rng.random() < 0.05:
            mum.dob = None  # adults' dates of birth are often not known at first
        members.append(mum)
        if rng.random() < 0.55:
            born = self._date_between(
                mum_born - dt.timedelta(days=3000), mum_born + dt.timedelta(days=1500)
            )
            dad = self._person(fam, "adult", "M", dad_name, [], dob=born)
            members.append(dad)
        child_surname = dad_name if (married or rng.random() < 0.5) else mum_maiden
        n_children = rng.choices([1, 2, 3, 4, 5], [30, 35, 20, 10, 5])[0]
        first_birth = max(mum_born + dt.timedelta(days=365 * 17), dt.date(2008, 1, 1))
        day = self._date_between(first_birth, min(first_birth + dt.timedelta(days=365 * 6), TODAY))
        names: list[str] = [m.given.lower() for m in members]
        children: list[SynthPerson] = []
        for _ in range(n_children):
            if day >= TODAY:
                break
            sex = rng.choice("MF")
            # Now and then a son shares his father's given name.
            same_as_parent = sex == "M" and len(members) > 1 and rng.random() < 0.03
            child = self._person(fam, "child", sex, child_surname, names, dob=day)
            if same_as_parent:
                child.given = members[1].given
            names.append(child.given.lower())
            children.append(child)
            if rng.random() < 0.02:  # twins: same birthday, clearly different names
                twin_sex = rng.choice("MF")
                twin = self._person(fam, "child", twin_sex, child_surname, names, dob=day)
                twin.twin_of = child.index
                names.append(twin.given.lower())
                children.append(twin)
            day += dt.timedelta(days=rng.randint(330, 1500))
        if children and rng.random() < 0.12:
            # The children took a step-parent's name; the old one is on record.
            new_name = self._surname()
            for child in children:
                child.previous_family_names.append(child.family_name)
                child.family_name = new_name
        if rng.random() < 0.04:
            unborn = self._person(fam, "unborn", "U", mum_name, [], dob=None)
            unborn.given = unborn.middle = ""
            unborn.expected = TODAY + dt.timedelta(days=rng.randint(10, 200))
            children.append(unborn)
        members += children
        # Where they live now, and perhaps one or two earlier addresses.
        moves = rng.choices([0, 1, 2], [55, 30, 15])[0]
        start = min((m.dob for m in members if m.dob), default=dt.date(2010, 1, 1))
        dates = sorted(self._date_between(start, TODAY - dt.timedelta(days=30))
                       for _ in range(moves))  # fmt: skip
        spans = list(zip([start, *dates], [*dates, None], strict=True))
        addresses = [self._address(a, b) for a, b in spans]
        for m in members:
            m.addresses = [SynthAddress(a.line1, a.town, a.postcode, a.moved_in, a.moved_out)
                           for a in addresses]  # fmt: skip
            if rng.random() < {"child": 0.75, "adult": 0.5}.get(m.kind, 0.0):
                m.nhs = self._nhs()
        return members

    def _person(
        self, fam: int, kind: str, sex: str, surname: str, avoid: list[str], dob: dt.date | None
    ) -> SynthPerson:
        given = self._given(sex if sex != "U" else self.rng.choice("MF"), avoid)
        # Nor is a middle name a brother's or sister's given name.
        middle = (
            self._given(sex if sex != "U" else "F", [given.lower(), *avoid])
            if self.rng.random() < 0.3
            else ""
        )
        person = SynthPerson(
            len(self.people), fam, kind, sex, given, surname, dob=dob, middle=middle
        )
        self.people.append(person)
        return person

    def families(
        self, n: int, *, hide_sibling: float = 0.0, hide_twin: float | None = None
    ) -> list[SynthPerson]:
        """`n` families. With probability `hide_twin` a twin, or else `hide_sibling`
        another child with a brother or sister, is held back from the record (hidden),
        to be searched for as a sibling the record lacks."""
        self._more_postcodes(self._family + n)
        out: list[SynthPerson] = []
        for _ in range(n):
            out += self._family_with_hidden(hide_sibling, hide_twin)
        return out

    def population(
        self, persons: int, *, hide_sibling: float = 0.0, hide_twin: float | None = None
    ) -> list[SynthPerson]:
        """Whole families until at least `persons` people are on the record."""
        self._more_postcodes(self._family + int(persons / 3.7))
        out: list[SynthPerson] = []
        shown = 0
        while shown < persons:
            members = self._family_with_hidden(hide_sibling, hide_twin)
            shown += sum(not m.hidden for m in members)
            out += members
        return out

    def _family_with_hidden(
        self, hide_sibling: float, hide_twin: float | None
    ) -> list[SynthPerson]:
        members = self.family()
        kids = [m for m in members if m.kind == "child"]
        twins = [k for k in kids if k.twin_of is not None]
        if twins and self.rng.random() < (hide_sibling if hide_twin is None else hide_twin):
            twins[0].hidden = True
        elif len(kids) > 1 and self.rng.random() < hide_sibling:
            self.rng.choice(kids).hidden = True
        return members

    # --- searches ---

    def corrupt(self, person: SynthPerson, *, errors: int | None = None) -> SynthQuery:
        """A search for `person` as a front door worker might type it: usually given
        and family name and date of birth, often the postcode, sometimes the NHS
        number, with one or two of the usual errors."""
        rng = self.rng
        given = person.given
        family = person.family_name
        dob = person.dob or person.expected
        current = person.addresses[-1].postcode if person.addresses else ""
        postcode = current if rng.random() < 0.6 else ""
        nhs = person.nhs if person.nhs and rng.random() < 0.1 else ""
        done: list[str] = []
        n = errors if errors is not None else rng.choices([0, 1, 2], [15, 55, 30])[0]
        options = ["given_typo", "family_typo", "dob_swap", "dob_typo", "dob_missing",
                   "dob_year", "nickname", "old_surname", "old_postcode", "postcode_typo",
                   "preferred_middle"]  # fmt: skip
        field_of = {"given_typo": "given", "nickname": "given", "preferred_middle": "given",
                    "family_typo": "family", "old_surname": "family", "old_postcode": "postcode",
                    "postcode_typo": "postcode"}  # fmt: skip
        while len(done) < n:
            error = rng.choice(options)
            # One error to a field: two slips in one date or name is a different person.
            field = field_of.get(error, "dob")
            if error in done or field in {field_of.get(e, "dob") for e in done}:
                options.remove(error)
                if not options:
                    break
                continue
            if error == "given_typo" and len(given) > 3:
                given = typo(rng, given)
            elif error == "family_typo" and len(family) > 3:
                family = typo(rng, family)
            elif error == "nickname" and given.lower() in NICKNAMES:
                given = rng.choice(NICKNAMES[given.lower()]).capitalize()
            elif error == "dob_swap" and dob and dob.day <= 12 and dob.day != dob.month:
                dob = dob.replace(month=dob.day, day=dob.month)
            elif error == "dob_typo" and dob:
                dob = _date_typo(rng, dob)
            elif error == "dob_year" and dob:
                try:
                    dob = dob.replace(year=dob.year + rng.choice([-1, 1]))
                except ValueError:
                    continue
            elif error == "dob_missing" and dob and person.kind != "unborn":
                # An unborn child is known by the expected date.
                dob = None
            elif error == "old_surname" and person.previous_family_names:
                family = person.previous_family_names[-1]
            elif error == "old_postcode" and len(person.addresses) > 1:
                postcode = rng.choice(person.addresses[:-1]).postcode
            elif error == "postcode_typo" and postcode:
                postcode = _postcode_typo(rng, postcode)
            elif error == "preferred_middle" and person.middle:
                given = person.middle  # known by their middle name
            else:
                options.remove(error)
                if not options:
                    break
                continue
            done.append(error)
        if dob is None and not postcode and person.addresses:
            postcode = current  # without a date of birth, searchers give an address
        query = MatchQuery(given_name=given, family_name=family, date_of_birth=dob,
                           postcode=postcode, nhs_number=nhs)  # fmt: skip
        return SynthQuery(query, "present", person, done)

    def exact(self, person: SynthPerson, case: str) -> SynthQuery:
        """A search for `person` exactly as they are: name, date of birth, postcode."""
        dob = person.dob or person.expected
        postcode = person.addresses[-1].postcode if person.addresses else ""
        query = MatchQuery(given_name=person.given, family_name=person.family_name,
                           date_of_birth=dob, postcode=postcode)  # fmt: skip
        return SynthQuery(query, case, person, [])


def typo(rng: random.Random, word: str) -> str:
    """One keyboard slip: a letter dropped, doubled, replaced or two swapped."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    i = rng.randrange(1, len(word))  # the first letter is seldom the one mistyped
    op = rng.choice(["drop", "double", "replace", "swap"])
    if op == "drop":
        out = word[:i] + word[i + 1 :]
    elif op == "double":
        out = word[:i] + word[i] + word[i:]
    elif op == "replace":
        out = word[:i] + rng.choice(letters.replace(word[i].lower(), "")) + word[i + 1 :]
    else:
        i = min(i, len(word) - 2)
        out = word[:i] + word[i + 1] + word[i] + word[i + 2 :] if i >= 1 else word
    return out if out.lower() != word.lower() else word[:-1]


def _date_typo(rng: random.Random, day: dt.date) -> dt.date:
    """One digit of the date mistyped (still a real date)."""
    text = f"{day:%Y%m%d}"
    for _ in range(50):
        i = rng.choice([2, 3, 4, 5, 6, 7])  # the century is seldom wrong
        new = text[:i] + str(rng.randrange(10)) + text[i + 1 :]
        if new == text:
            continue
        try:
            out = dt.date(int(new[:4]), int(new[4:6]), int(new[6:]))
        except ValueError:
            continue
        if out <= TODAY + dt.timedelta(days=300):
            return out
    return day + dt.timedelta(days=1)


def _postcode_typo(rng: random.Random, postcode: str) -> str:
    outward, inward = postcode.split(" ")
    i = rng.choice([1, 2])
    return f"{outward} {inward[:i]}{rng.choice(_INWARD_LETTERS)}{inward[i + 1 :]}"


def _clearly_different(a: str, b: str) -> bool:
    """Siblings' names: not the same, not a nickname one of the other, not alike."""
    if a == b:
        return False
    if b in NICKNAMES.get(a, []) or a in NICKNAMES.get(b, []):
        return False
    if a[:3] == b[:3]:  # Isabella and Isabelle, Freddie and Frederick
        return False
    return JaroWinkler.similarity(a, b) < 0.85


def plant_duplicates(people: list[SynthPerson], count: int, *, seed: int) -> list[SynthPerson]:
    """Second records of `count` different people on the record, as a front door makes
    them when a search did not find the person: with the errors people make in typing
    (a typo in a name, a nickname or the middle name for the given name, an old family
    name, day and month swapped, a date one digit or a year out or not known, an old or
    mistyped postcode), most without the NHS number, many with only the address given
    at that contact. Each duplicate's `duplicate_of` is its original's index in
    `people`; they are not added to `people`.

    Uses a random generator of its own, so the people made before are unchanged."""
    rng = random.Random(seed)
    shown = [i for i, p in enumerate(people) if not p.hidden and p.kind != "unborn"]
    out: list[SynthPerson] = []
    for index in rng.sample(shown, count):
        p = people[index]
        dup = SynthPerson(
            len(people) + len(out), p.family, p.kind, p.sex, p.given, p.family_name,
            dob=p.dob, expected=p.expected, middle=p.middle if rng.random() < 0.5 else "",
            nhs=p.nhs if rng.random() < 0.25 else "", duplicate_of=index,
        )  # fmt: skip
        # The address given at that contact: usually the current one, sometimes an old one.
        where = rng.choice(p.addresses[:-1]) if len(p.addresses) > 1 and rng.random() < 0.2 \
            else p.addresses[-1] if p.addresses else None  # fmt: skip
        if where is not None:
            dup.addresses = [SynthAddress(where.line1, where.town, where.postcode, None, None)]
        n = rng.choices([0, 1, 2], [25, 50, 25])[0]
        options = ["given_typo", "nickname", "preferred_middle", "family_typo", "old_surname",
                   "dob_swap", "dob_typo", "dob_year", "dob_missing", "postcode_typo"]  # fmt: skip
        field_of = {"given_typo": "given", "nickname": "given", "preferred_middle": "given",
                    "family_typo": "family", "old_surname": "family",
                    "postcode_typo": "postcode"}  # fmt: skip
        done: set[str] = set()
        for error in rng.sample(options, len(options)):
            if len(done) >= n:
                break
            field = field_of.get(error, "dob")
            if field in done:
                continue
            dob = dup.dob
            if error == "given_typo" and len(dup.given) > 3:
                dup.given = typo(rng, dup.given).capitalize()
            elif error == "nickname" and dup.given.lower() in NICKNAMES:
                dup.given = rng.choice(NICKNAMES[dup.given.lower()]).capitalize()
            elif error == "preferred_middle" and p.middle:
                dup.given, dup.middle = p.middle, ""
            elif error == "family_typo" and len(dup.family_name) > 3:
                dup.family_name = typo(rng, dup.family_name).capitalize()
            elif error == "old_surname" and p.previous_family_names:
                dup.family_name = p.previous_family_names[-1]
            elif error == "dob_swap" and dob and dob.day <= 12 and dob.day != dob.month:
                dup.dob = dob.replace(month=dob.day, day=dob.month)
            elif error == "dob_typo" and dob:
                dup.dob = _date_typo(rng, dob)
            elif error == "dob_year" and dob and not (dob.month == 2 and dob.day == 29):
                dup.dob = dob.replace(year=dob.year + rng.choice([-1, 1]))
            elif error == "dob_missing" and dob and p.kind == "child" and dup.addresses:
                dup.dob = None
            elif error == "postcode_typo" and dup.addresses:
                a = dup.addresses[0]
                a.postcode = _postcode_typo(rng, a.postcode)
            else:
                continue
            done.add(field)
        out.append(dup)
    return out


def iter_batches(items: list[SynthPerson], size: int) -> Iterator[list[SynthPerson]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def store(people: list[SynthPerson], *, batch: int = 5000, rebuild_keys: bool = True) -> None:
    """Save the people not hidden, with their addresses and previous names, straight
    into the tables (no services, no audit: this is test data), then their match keys."""
    from hearth.people.matching import match_keys_rebuild
    from hearth.people.models import Address, NameKind, Person, PersonName
    from hearth.people.services import next_local_ids

    shown = [p for p in people if not p.hidden]
    # Hidden people get no row; the pk is set once each row is saved.
    local_ids = iter(next_local_ids(len(shown)))
    for chunk in iter_batches(shown, batch):
        rows = []
        for p in chunk:
            row = Person(
                local_id=next(local_ids), kind=p.kind, sex=p.sex, given_name=p.given,
                middle_names=p.middle, family_name=p.family_name, date_of_birth=p.dob,
                expected_date_of_birth=p.expected, nhs_number=p.nhs,
            )  # fmt: skip
            row.set_search_names()
            rows.append(row)
        Person.objects.bulk_create(rows)
        for p, row in zip(chunk, rows, strict=True):
            p.pk = row.pk
        Address.objects.bulk_create(
            Address(person_id=p.pk or 0, line1=a.line1, town=a.town, postcode=a.postcode,
                    moved_in=a.moved_in, moved_out=a.moved_out)
            for p in chunk for a in p.addresses
        )  # fmt: skip
        names = []
        for p in chunk:
            for old in p.previous_family_names:
                name = PersonName(person_id=p.pk or 0, kind=NameKind.PREVIOUS, given_name=p.given,
                                  family_name=old)  # fmt: skip
                name.given_name_norm = normalise_name(p.given)
                name.family_name_norm = normalise_name(old)
                names.append(name)
        PersonName.objects.bulk_create(names)
    if rebuild_keys:
        match_keys_rebuild([p.pk for p in shown if p.pk is not None])


def store_fast(people: list[SynthPerson], *, batch: int = 50_000) -> None:
    """Like `store`, for a million people: rows written straight into the tables with
    explicit ids (COPY on PostgreSQL), for benchmark databases only. Match keys are
    not built; call `match_keys_rebuild()` afterwards."""
    from django.db import connection
    from django.db.models import Max

    from hearth.people.models import Address, NameKind, Person, PersonName

    ops = connection.ops
    now = ops.adapt_datetimefield_value(dt.datetime.now(tz=dt.UTC))
    next_id = (Person.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    next_address = (Address.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    next_name = (PersonName.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    person_cols = ["id", "version", "local_id", "kind", "given_name", "middle_names",
                   "family_name", "preferred_name", "given_name_norm", "family_name_norm",
                   "date_of_birth", "expected_date_of_birth", "date_of_death", "sex",
                   "ethnicity", "first_language", "nhs_number", "upn", "former_upn",
                   "upn_unknown", "phone", "email", "restricted", "created_at"]  # fmt: skip
    address_cols = ["id", "version", "person_id", "line1", "line2", "town", "postcode",
                    "moved_in", "moved_out"]  # fmt: skip
    name_cols = ["id", "person_id", "kind", "given_name", "family_name", "given_name_norm",
                 "family_name_norm", "used_until"]  # fmt: skip

    def day(value: dt.date | None) -> Any:
        return ops.adapt_datefield_value(value)

    shown = [p for p in people if not p.hidden]
    for chunk in iter_batches(shown, batch):
        persons: list[tuple[Any, ...]] = []
        addresses: list[tuple[Any, ...]] = []
        names: list[tuple[Any, ...]] = []
        for p in chunk:
            p.pk = next_id
            next_id += 1
            persons.append((
                p.pk, 1, f"HRT{p.pk:08d}", p.kind, p.given, p.middle, p.family_name, "",
                normalise_name(p.given), normalise_name(p.family_name), day(p.dob),
                day(p.expected), None, p.sex, "", "", p.nhs, "", "", "", "", "", False, now,
            ))  # fmt: skip
            for a in p.addresses:
                addresses.append((next_address, 1, p.pk, a.line1, "", a.town, a.postcode,
                                  day(a.moved_in), day(a.moved_out)))  # fmt: skip
                next_address += 1
            for old in p.previous_family_names:
                names.append((next_name, p.pk, NameKind.PREVIOUS.value, p.given, old,
                              normalise_name(p.given), normalise_name(old), None))  # fmt: skip
                next_name += 1
        _copy_rows(Person._meta.db_table, person_cols, persons)
        _copy_rows(Address._meta.db_table, address_cols, addresses)
        _copy_rows(PersonName._meta.db_table, name_cols, names)
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in ops.sequence_reset_sql(no_style(), [Person, Address, PersonName]):
                cursor.execute(sql)


def _copy_rows(table: str, columns: list[str], rows: Sequence[Sequence[Any]]) -> None:
    from django.db import connection

    if not rows:
        return
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)  # noqa: S608
