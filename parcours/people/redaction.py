"""Take a person's names out of a free text that others read under a pseudonym (the summary shown to the
commission's members). The comparison ignores case and accents (« Élodie », « elodie », « ELODIE »); a name is
matched as whole words only, so « Marc » does not touch « marché »."""

from __future__ import annotations

import re
import unicodedata

# Name parts shorter than this, and particles, are not searched alone (« de », « la », « El » would take
# ordinary words out of the text); they are still found inside a full name (« de la Tour »).
MIN_PART_LENGTH = 3
PARTICLES = frozenset(
    {"de", "del", "della", "des", "du", "la", "le", "les", "van", "von", "der", "den", "bin", "ben"}
)


def _fold(text: str) -> list[tuple[str, int]]:
    """Each character of `text`, without accents and case-folded, with its index in `text` (a character may
    fold to several: « ß » gives « ss »)."""
    folded = []
    for index, char in enumerate(text):
        base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        folded.extend((c, index) for c in base.casefold())
    return folded


def _plain(text: str) -> str:
    return "".join(c for c, _ in _fold(text))


def name_patterns(names: list[str]) -> list[str]:
    """The folded forms to search: each full name, then each of its parts long enough to be a name."""
    forms: set[str] = set()
    for name in names:
        plain = " ".join(re.split(r"[\s\-']+", _plain(name))).strip()
        if not plain:
            continue
        forms.add(plain)
        forms.update(p for p in plain.split() if len(p) >= MIN_PART_LENGTH and p not in PARTICLES)
    return sorted(forms, key=len, reverse=True)  # the longest first: « Marie Dupont » before « Marie »


def strip_names(text: str, names: list[str], replacement: str) -> str:
    """`text` with every occurrence of the names (whole words, any case or accents; hyphens, apostrophes and
    spaces inside a name are interchangeable) replaced by `replacement`."""
    if not text or not names:
        return text
    patterns = name_patterns(names)
    if not patterns:
        return text
    folded = _fold(text)
    plain = "".join(c for c, _ in folded)
    alternatives = "|".join(r"[\s\-']+".join(re.escape(w) for w in p.split()) for p in patterns)
    regex = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    spans = []
    for match in regex.finditer(plain):
        start = folded[match.start()][1]
        end = folded[match.end() - 1][1] + 1
        spans.append((start, end))
    for start, end in reversed(spans):
        text = text[:start] + replacement + text[end:]
    return text


def contains_names(text: str, names: list[str]) -> bool:
    return bool(text) and strip_names(text, names, "\x00") != text


def names_of(person) -> list[str]:
    """The names to keep out of a pseudonymised text: birth name, first name, usual names and aliases."""
    names = [person.last_name, person.first_name, person.usual_name]
    names += [alias.name for alias in person.aliases.all()]
    return [n for n in names if n]
