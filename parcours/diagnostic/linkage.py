"""Pseudonymous linkage keys for the diagnostic territorial (no Django import: the CLI and the tests use it
alone, and `static/parcours/linkage.js` implements the same scheme in the browser with Web Crypto).

Scheme "PARCOURS-LK1", in the spirit of Australia's SLK-581 and France's FOIN:

1. Normalise each name: NFKD, drop the accents, upper case, keep the letters A-Z only (spaces, hyphens,
   apostrophes, digits go), so that « Le Gall-Dupré », « LE GALL DUPRE » and « legalldupre » agree.
2. The linkage string is: letters 2, 3 and 5 of the last name, letters 2 and 3 of the first name (a missing
   letter is "2", a missing name "999" / "99", as SLK-581 does), the birth date as DDMMYYYY, and the sex
   code (1 man, 2 woman, 9 other or unknown). Choosing letters rather than whole names tolerates the typos
   of the first letter and of the name's end that lists carry most often, and a surname written with or
   without a second part (compound names keep their first letters).
3. The key is HMAC-SHA-256 of "LK1|" + linkage string under a key derived from the campaign's secret phrase
   (PBKDF2-HMAC-SHA-256, 210,000 iterations, the campaign code as salt). The phrase is shared by the partners
   out of band and never reaches the server; without it, a key cannot be recomputed from a guessed identity.

Limits (documented in docs/diagnostic.md): two different people with the same selected letters, birth date
and sex get the same key (rare at the scale of a département); a typo in letters 2, 3 or 5, in the birth
date or the sex splits one person in two; a person known under two identities is counted twice.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from datetime import date

from .phrase import check_phrase

SCHEME = "LK1"
PBKDF2_ITERATIONS = 210_000
MIN_PHRASE_LENGTH = 12

SEX_CODES = {"M": "1", "H": "1", "1": "1", "F": "2", "2": "2"}


class LinkageError(ValueError):
    """A row or a phrase that cannot give a key; the message (French) says why, without echoing the row."""


def normalise_name(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value or "")
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
    letters = letters.replace("Œ", "OE").replace("Æ", "AE").replace("ß", "SS")
    return "".join(c for c in letters if "A" <= c <= "Z")


def _pick(name: str, positions: tuple[int, ...], missing: str) -> str:
    if not name:
        return missing
    return "".join(name[p - 1] if len(name) >= p else "2" for p in positions)


def sex_code(value: str) -> str:
    return SEX_CODES.get((value or "").strip().upper()[:1], "9")


def linkage_string(last_name: str, first_name: str, birth_date: date, sex: str) -> str:
    if birth_date is None:
        raise LinkageError("La date de naissance est nécessaire pour calculer la clé.")
    last = _pick(normalise_name(last_name), (2, 3, 5), "999")
    first = _pick(normalise_name(first_name), (2, 3), "99")
    return f"{last}{first}{birth_date:%d%m%Y}{sex_code(sex)}"


def derive_key(phrase: str, campaign_code: str) -> bytes:
    phrase = check_phrase(phrase, error=LinkageError)  # phrase.py: 7+ words of the list, canonical form
    if len(phrase or "") < MIN_PHRASE_LENGTH:
        raise LinkageError(
            f"La phrase secrète de la campagne doit compter au moins {MIN_PHRASE_LENGTH} caractères."
        )
    return hashlib.pbkdf2_hmac(
        "sha256", phrase.encode("utf-8"), f"parcours-diagnostic:{campaign_code}".encode(), PBKDF2_ITERATIONS
    )


def linkage_key(key: bytes, last_name: str, first_name: str, birth_date: date, sex: str) -> str:
    message = f"{SCHEME}|{linkage_string(last_name, first_name, birth_date, sex)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


AGE_BANDS = (
    (0, 18, "moins de 18 ans"),
    (18, 25, "18 à 24 ans"),
    (25, 35, "25 à 34 ans"),
    (35, 200, "35 ans et plus"),
)


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_band(birth_date: date, day: date) -> str:
    age = age_on(birth_date, day)
    return next(label for low, high, label in AGE_BANDS if low <= age < high)
