"""Pseudonymous linkage "LK2": several keys per person, linked by a union-find under agreement rules.

Pure Python (no Django import): the server, the command-line tools (`parcours-linkage-keys`,
`parcours-link-estimate`), the simulation and the tests use it alone; `static/parcours/linkage.js`
computes the same keys in the browser (Web Crypto) from the same transliteration table
(`static/parcours/translit.json`, built by `scripts/build_translit.py`). Design: docs/diagnostic.md
« Clés de rapprochement pseudonymes » and docs/adr/0009-cles-de-rapprochement-multiples.md.

Stable API (used by the server pages, the browser glue and the simulation):

- `derive_key(phrase, campaign_code) -> bytes`: the campaign key (PBKDF2-HMAC-SHA-256).
- `parse_date(value, order="dm") -> date | int`: a birth date (`date`) or a birth year alone (`int`);
  raises `SetAside` (reason `DATE_MISSING` or `DATE_UNREADABLE`). `order` is "dm" (JJ/MM/AAAA, the default)
  or "md" (MM/JJ/AAAA) for the two-field forms; AAAA-MM-JJ is read whatever the order.
- `date_order_evidence(values) -> str`: for a column of dates, `DM` (some first field > 12), `MD` (some
  second field > 12), `INCONSISTENT` (both), `AMBIGUOUS` (only dates whose both fields are <= 12), `NONE`
  (no JJ/MM or MM/JJ date at all: ISO dates, years, empty cells).
- `person_keys(key, last_name, first_name, birth, *, reference=None) -> list[str]`: the row's keys (hex),
  strongest first; raises `SetAside` with a reason code. `birth` is a `date` or a year (`int`).
- `SetAside` (a `LinkageError`): `.reason` is one of `REASONS` (code -> French label).
- `Record(list_index, keys, sex, age_band, online, full_date=True)` and `link(records, n_lists=None) ->
  Linkage` (clusters with their `membership` tuple of bools per list and attributes; `.memberships`).
- `estimate_memberships(codes, memberships, bootstrap=0)`: the report's estimate on linked memberships.
- `age_on(birth, day)`, `age_band(birth, day)`, `is_minor(birth, day)`, `sex_code(value)`, `AGE_BANDS`.
- `normalise_name(value) -> str` (A-Z, tokens joined) and `reduce_name(value) -> str` (the phonetic form).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from parcours.estimation import AnalysisResult

SCHEME = "LK2"
PBKDF2_ITERATIONS = 210_000
MIN_PHRASE_LENGTH = 12
TRANSLIT_TABLE = Path(__file__).resolve().parents[1] / "static" / "parcours" / "translit.json"

SEX_CODES = {"M": "1", "H": "1", "1": "1", "F": "2", "2": "2"}
SEX_UNKNOWN = "9"

# A single-name key (« LK2|1| ») is made only from a reduced name of at least this many symbols: « LI » or
# « WEI » reduce to one or two symbols shared by too many people born the same day (docs/diagnostic.md).
MIN_SINGLE_NAME_REDUCTION = 3

# Birth year alone: the person is taken as born on 1 July of that year (the middle of the year) for the age
# band, as INSEE does when only the year is known.
YEAR_ONLY_BIRTHDAY = (7, 1)


class LinkageError(ValueError):
    """A row or a phrase that cannot give a key; the message (French) says why, without echoing the row."""


# Reason codes of a row set aside (counted, never shown with the row's content).
DATE_MISSING = "date_absente"
DATE_UNREADABLE = "date_illisible"
BORN_AFTER_REFERENCE = "date_posterieure"
NO_NAME = "sans_nom"
UNSUPPORTED_SCRIPT = "ecriture_non_prise_en_charge"
REASONS = {
    DATE_MISSING: "date de naissance absente",
    DATE_UNREADABLE: "date de naissance illisible",
    BORN_AFTER_REFERENCE: "date de naissance postérieure à la date de référence",
    NO_NAME: "aucun nom",
    UNSUPPORTED_SCRIPT: "écriture non prise en charge",
}


class SetAside(LinkageError):
    """A row that gives no key: `reason` is a code of REASONS; the message is its French label."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(REASONS[reason])


# --- Names ------------------------------------------------------------------------------------------------

# Letters that NFKD does not decompose, mapped to their base letter(s) (after upper-casing).
SPECIAL_LETTERS = {
    "Œ": "OE",
    "Æ": "AE",
    "ẞ": "SS",
    "Ł": "L",
    "Ø": "O",
    "Đ": "D",
    "Ð": "D",
    "Ɖ": "D",
    "Þ": "TH",
    "Ħ": "H",
    "Ŧ": "T",
    "Ŋ": "NG",
    "Ƒ": "F",
    "Ɲ": "N",
    "Ʒ": "Z",
}


@cache
def _translit() -> dict[str, str]:
    table = json.loads(TRANSLIT_TABLE.read_text(encoding="utf-8"))
    letters = dict(table["letters"])
    for reading, chars in table["han"].items():
        for char in chars:
            letters[char] = reading
    return letters


def normalise_name(value: str) -> str:
    """The name in letters A-Z, its tokens joined: « Le Gall-Dupré » -> « LEGALLDUPRE »; « Łukasz » ->
    « LUKASZ »; « Сергей » -> « SERGEI »; « 张伟 » -> « ZHANGWEI ». Raises SetAside when a letter of a
    script the table does not cover remains (the row is never silently reduced to nothing)."""
    letters = _translit()
    out = []
    for char in unicodedata.normalize("NFKD", value or ""):
        if unicodedata.category(char).startswith("M"):
            continue
        latin = letters.get(char)
        if latin is not None:
            out.append(latin)
            continue
        for upper in char.upper():
            out.append(SPECIAL_LETTERS.get(upper, upper))
    text = "".join(out)
    if any(unicodedata.category(c) in _LETTERS for c in _NOT_AZ.findall(text)):
        raise SetAside(UNSUPPORTED_SCRIPT)
    return _NOT_AZ.sub("", text)


_NOT_AZ = re.compile(r"[^A-Z]")
# A letter left after transliteration (modifier letters such as ʼ in « Nʼdiaye » are not: they separate).
_LETTERS = {"Lu", "Ll", "Lt", "Lo"}


# Phonetic reduction: vowels (A E I O U Y) -> "A"; H and W are dropped; consonants by class; a repeated
# symbol is written once; a final vowel is dropped (unless it is the only symbol).
_CLASSES = {
    **dict.fromkeys("AEIOUY", "A"),
    **dict.fromkeys("BFPV", "B"),
    **dict.fromkeys("CGJKQSXZ", "K"),
    **dict.fromkeys("DT", "T"),
    "L": "L",
    **dict.fromkeys("MN", "N"),
    "R": "R",
}


def reduce_letters(letters: str) -> str:
    """The phonetic form of an A-Z string: « MOHAMED », « MUHAMMAD » -> « NANAT »; « ZHANG », « CHANG » ->
    « KANK »; « SERGEI », « SERGUEI », « SERGEY » -> « KARK »."""
    out: list[str] = []
    for char in letters:
        symbol = _CLASSES.get(char)
        if symbol is None or (out and out[-1] == symbol):
            continue
        out.append(symbol)
    if len(out) > 1 and out[-1] == "A":
        out.pop()
    return "".join(out)


def reduce_name(value: str) -> str:
    return reduce_letters(normalise_name(value))


def sex_code(value: str) -> str:
    return SEX_CODES.get((value or "").strip().upper()[:1], SEX_UNKNOWN)


# --- Dates ------------------------------------------------------------------------------------------------

DM, MD, AMBIGUOUS, INCONSISTENT, NONE = "dm", "md", "ambiguous", "inconsistent", "none"
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?Z?$")
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_TWO_FIELDS = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_UNKNOWN_PART = {"00", "0", "XX", "X", "??"}
_YEAR_ONLY = re.compile(r"^(00|0|XX|X|\?\?)([/.-])(00|0|XX|X|\?\?)\2(\d{4})$", re.IGNORECASE)
MIN_BIRTH_YEAR = 1900


def _clean(value) -> str:
    return _TIME_SUFFIX.sub("", str(value or "").strip())


def _year(text: str) -> int:
    year = int(text)
    if year < MIN_BIRTH_YEAR:
        raise SetAside(DATE_UNREADABLE)
    return year


def _make(year: int, month: int, day: int) -> date:
    try:
        return date(_year(str(year)), month, day)
    except ValueError as error:
        raise SetAside(DATE_UNREADABLE) from error


def parse_date(value, order: str = DM) -> date | int:
    """A birth date (`date`) or a birth year alone (`int`): JJ/MM/AAAA (or MM/JJ/AAAA with order="md"),
    separators / . -; AAAA-MM-JJ; AAAA alone; 00/00/AAAA or XX/XX/AAAA for a year alone; a time after the
    date (spreadsheet exports) is ignored. A two-digit year is refused (the century would be a guess)."""
    if order not in (DM, MD):
        raise ValueError(f"unknown date order {order!r}")
    if isinstance(value, date):
        return value
    text = _clean(value)
    if not text:
        raise SetAside(DATE_MISSING)
    if match := _YEAR.match(text):
        return _year(match[1])
    if match := _YEAR_ONLY.match(text):
        return _year(match[4])
    if match := _ISO.match(text):
        return _make(int(match[1]), int(match[2]), int(match[3]))
    if match := _TWO_FIELDS.match(text):
        first, second = int(match[1]), int(match[3])
        day, month = (first, second) if order == DM else (second, first)
        return _make(int(match[4]), month, day)
    raise SetAside(DATE_UNREADABLE)


def date_order_evidence(values) -> str:
    """What a column of dates says about its order: DM, MD, INCONSISTENT, AMBIGUOUS or NONE (docstring
    of the module)."""
    day_first = month_first = two_fields = False
    for value in values:
        match = _TWO_FIELDS.match(_clean(value))
        if not match:
            continue
        first, second = int(match[1]), int(match[3])
        if first == 0 or second == 0:
            continue
        two_fields = True
        day_first |= 12 < first <= 31 and second <= 12
        month_first |= 12 < second <= 31 and first <= 12
    if day_first and month_first:
        return INCONSISTENT
    if day_first:
        return DM
    if month_first:
        return MD
    return AMBIGUOUS if two_fields else NONE


# --- Keys -------------------------------------------------------------------------------------------------


def derive_key(phrase: str, campaign_code: str) -> bytes:
    if len(phrase or "") < MIN_PHRASE_LENGTH:
        raise LinkageError(
            f"La phrase secrète de la campagne doit compter au moins {MIN_PHRASE_LENGTH} caractères."
        )
    return hashlib.pbkdf2_hmac(
        "sha256", phrase.encode("utf-8"), f"parcours-diagnostic:{campaign_code}".encode(), PBKDF2_ITERATIONS
    )


def key_messages(last_name: str, first_name: str, birth: date | int, *, reference: date | None = None):
    """The messages a row's keys are made of, strongest first (each is then HMAC-ed by `person_keys`)."""
    if birth is None or birth == "":
        raise SetAside(DATE_MISSING)
    if isinstance(birth, str):
        birth = parse_date(birth)
    last, first = reduce_name(last_name), reduce_name(first_name)
    if not last and not first:
        raise SetAside(NO_NAME)
    if reference is not None and _birthday(birth) > reference:
        raise SetAside(BORN_AFTER_REFERENCE)
    names = "|".join(sorted((last, first)))
    if not isinstance(birth, date):
        return [f"{SCHEME}|Y|{names}|{birth:04d}"]
    day, month, year = f"{birth.day:02d}", f"{birth.month:02d}", f"{birth.year:04d}"
    messages = [f"{SCHEME}|N|{names}|{day}{month}{year}"]
    if birth.day <= 12 and birth.day != birth.month:
        messages.append(f"{SCHEME}|N|{names}|{month}{day}{year}")
    for name in (last, first):
        if len(name) >= MIN_SINGLE_NAME_REDUCTION:
            messages.append(f"{SCHEME}|1|{name}|{day}{month}{year}")
    messages.append(f"{SCHEME}|Y|{names}|{year}")
    messages.append(f"{SCHEME}|D|{names}|{day}{month}")
    return list(dict.fromkeys(messages))


def person_keys(
    key: bytes, last_name: str, first_name: str, birth: date | int, *, reference: date | None = None
) -> list[str]:
    """The row's LK2 keys (HMAC-SHA-256 hex under the campaign key), strongest first; raises SetAside."""
    return [
        hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
        for message in key_messages(last_name, first_name, birth, reference=reference)
    ]


# --- Attributes -------------------------------------------------------------------------------------------

AGE_BANDS = (
    (0, 18, "moins de 18 ans"),
    (18, 25, "18 à 24 ans"),
    (25, 35, "25 à 34 ans"),
    (35, 200, "35 ans et plus"),
)


def _birthday(birth: date | int) -> date:
    return birth if isinstance(birth, date) else date(birth, *YEAR_ONLY_BIRTHDAY)


def age_on(birth: date | int, day: date) -> int:
    born = _birthday(birth)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band(birth: date | int, day: date) -> str:
    age = age_on(birth, day)
    return next(label for low, high, label in AGE_BANDS if low <= age < high)


def is_minor(birth: date | int, day: date) -> bool:
    return age_on(birth, day) < 18


# --- Linking ----------------------------------------------------------------------------------------------


class Record(NamedTuple):
    """One row of one list as the server knows it: its keys and non-identifying attributes."""

    list_index: int
    keys: frozenset[str]
    sex: str  # "1", "2" or "9" (unknown: never conflicts)
    age_band: str
    online: bool
    full_date: bool = True  # False for a row with a birth year only (its age band is less sure)


@dataclass
class Cluster:
    membership: tuple[bool, ...]
    sex: str
    age_band: str
    online: bool
    records: tuple[int, ...]  # indexes into the records given to `link`


@dataclass
class Linkage:
    clusters: list[Cluster]
    n_lists: int
    refused_same_list: int = 0  # merges refused: two records of one list would be one person
    refused_sex: int = 0  # merges refused: two known and different sexes
    duplicates: int = 0  # records of one list with the same keys as another of that list (counted once)
    ambiguous_keys: int = 0  # keys held by two records of one list: not used for linking
    unused: list[int] = field(default_factory=list, repr=False)

    @property
    def memberships(self) -> list[tuple[bool, ...]]:
        return [cluster.membership for cluster in self.clusters]


def link(records, n_lists: int | None = None) -> Linkage:
    """Link records sharing any key (union-find), strongest pairs first, under the agreement rules.

    A pair's strength is the number of keys its two records share (a person written identically on two
    lists shares all of them; a typo, a swap or a wrong date leaves fewer). Pairs are merged from the
    strongest down; a merge is REFUSED when the merged cluster would hold two records of the same list or
    two known and different sexes (9 never conflicts). Two records of one list with the same key set are
    one row written twice (counted once, `duplicates`); a key held by two records of one list identifies no
    one (two people share it) and is not used (`ambiguous_keys`).
    """
    records = [r if isinstance(r, Record) else Record(*r) for r in records]
    if n_lists is None:
        n_lists = max((r.list_index for r in records), default=-1) + 1
    # One row written twice in a list: the same person, counted once.
    kept: list[int] = []
    seen: set[tuple[int, frozenset[str]]] = set()
    duplicates = 0
    for index, record in enumerate(records):
        signature = (record.list_index, frozenset(record.keys))
        if signature in seen:
            duplicates += 1
            continue
        seen.add(signature)
        kept.append(index)
    holders: dict[str, list[int]] = {}
    for index in kept:
        for key in records[index].keys:
            holders.setdefault(key, []).append(index)
    strength: dict[tuple[int, int], int] = {}
    ambiguous = 0
    for indexes in holders.values():
        if len(indexes) < 2:
            continue
        if len({records[i].list_index for i in indexes}) < len(indexes):
            ambiguous += 1
            continue
        for pair in combinations(sorted(indexes), 2):
            strength[pair] = strength.get(pair, 0) + 1

    parent = {i: i for i in kept}
    lists = {i: 1 << records[i].list_index for i in kept}
    sexes = {i: {records[i].sex} - {SEX_UNKNOWN} for i in kept}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    refused_same_list = refused_sex = 0
    for (a, b), _ in sorted(strength.items(), key=lambda item: (-item[1], item[0])):
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        if lists[ra] & lists[rb]:
            refused_same_list += 1
            continue
        if len(sexes[ra] | sexes[rb]) > 1:
            refused_sex += 1
            continue
        parent[rb] = ra
        lists[ra] |= lists.pop(rb)
        sexes[ra] |= sexes.pop(rb)

    members: dict[int, list[int]] = {}
    for index in kept:
        members.setdefault(root(index), []).append(index)
    clusters = []
    for indexes in members.values():
        group = [records[i] for i in indexes]
        known = [r.sex for r in group if r.sex != SEX_UNKNOWN]
        dated = [r for r in group if r.full_date] or group
        clusters.append(
            Cluster(
                membership=tuple(any(r.list_index == k for r in group) for k in range(n_lists)),
                sex=known[0] if known else SEX_UNKNOWN,
                age_band=dated[0].age_band,
                online=any(r.online for r in group),
                records=tuple(indexes),
            )
        )
    return Linkage(
        clusters=clusters,
        n_lists=n_lists,
        refused_same_list=refused_same_list,
        refused_sex=refused_sex,
        duplicates=duplicates,
        ambiguous_keys=ambiguous,
    )


# --- Estimate ---------------------------------------------------------------------------------------------


def estimate_memberships(codes, memberships, *, bootstrap: int = 0) -> AnalysisResult:
    """The report's multiple systems estimate on linked memberships (docs/estimation.md): the same call
    for the server (`selectors.estimate`) and `parcours-link-estimate`. Raises EstimationError. (numpy and
    scipy are imported here, not with the module: computing keys stays instantaneous.)"""
    from parcours.estimation import analyse, table_from_memberships

    table = table_from_memberships(tuple(codes), list(memberships))
    return analyse(table, bootstrap=bootstrap, reference_models=False)
