"""The campaign's secret phrase: words drawn at random from a list, checked the same way everywhere.

The secretariat generates the phrase in its browser (`static/parcours/phrase.js`, `crypto.getRandomValues`):
`PHRASE_WORDS` words drawn uniformly from the 2,048-word French list of BIP-39, i.e. 11 bits a word. The
structures' key page, the offline calculator and the command-line tools refuse any phrase that is not made of
at least `PHRASE_WORDS` words of that list, with the same rules as the browser (one word list, a JSON file
read by both, `static/parcours/phrase_words_fr.json`). No Django import: the CLIs use this module alone.

Normalisation (so that a phrase read on the phone and typed again gives the same keys): Unicode NFKD, the
accents dropped, lower case; any run of characters other than the letters a-z separates words (spaces,
hyphens, line breaks, punctuation). The list is built so that no two words differ only by their accents.
The key is derived from the *canonical* phrase (normalised words joined by one space), in Python and in
JavaScript alike: « Abeille  ÉLÈVE … » and « abeille eleve … » give the same keys.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

WORDS_FILE = Path(__file__).resolve().parent.parent / "static" / "parcours" / "phrase_words_fr.json"

# Strength of the phrase. Issue 10 ("keys that resist insiders") asks for at least 77 bits: 7 words of a
# 2,048-word list give 7 × 11 = 77 bits, drawn uniformly at random (diceware). For an outsider who has a
# structure's keys, every guess of the phrase costs one PBKDF2 derivation (210,000 iterations, about
# 2^17.7 HMACs), so exhausting the phrase space costs about 2^94.7 HMACs.
PHRASE_WORDS = 7
BITS_PER_WORD = 11  # log2(2048), the size of the BIP-39 lists

_SEPARATORS = re.compile(r"[^a-z]+")


class PhraseError(ValueError):
    """A phrase that the policy refuses; the message (French) never echoes the phrase."""


@cache
def words() -> tuple[str, ...]:
    """The list, as published (NFC, with its accents): what the generator draws from and shows."""
    data = json.loads(WORDS_FILE.read_text(encoding="utf-8"))
    return tuple(data["words"])


def fold(text: str) -> str:
    """Lower case, accents dropped (NFKD then the combining marks removed)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@cache
def folded_words() -> frozenset[str]:
    return frozenset(fold(word) for word in words())


def phrase_words(phrase: str) -> list[str]:
    """The normalised words of a phrase (possibly not in the list)."""
    return [word for word in _SEPARATORS.split(fold(phrase)) if word]


def check_phrase(phrase: str, *, error: type[Exception] = PhraseError) -> str:
    """The canonical phrase (normalised words joined by one space), or `error` with a French message.

    Refused: fewer than `PHRASE_WORDS` words, or any word outside the list. The message names neither the
    phrase nor its words (an error message may be read over a shoulder or end up in a log): only the
    positions of the words not recognised.
    """
    found = phrase_words(phrase)
    if len(found) < PHRASE_WORDS:
        raise error(
            f"La phrase secrète doit compter au moins {PHRASE_WORDS} mots de la liste de Parcours "
            f"({len(found)} mot{'s' if len(found) > 1 else ''} lu{'s' if len(found) > 1 else ''}) : "
            "utilisez la phrase générée par le secrétariat de la commission."
        )
    unknown = [str(i) for i, word in enumerate(found, start=1) if word not in folded_words()]
    if unknown:
        which = (
            f"le mot n° {unknown[0]} n'en fait"
            if len(unknown) == 1
            else f"les mots n° {', '.join(unknown)} n'en font"
        )
        raise error(
            f"La phrase secrète doit être faite de mots de la liste de Parcours : {which} pas partie. "
            "Vérifiez l'orthographe de la phrase générée par le secrétariat de la commission."
        )
    return " ".join(found)
