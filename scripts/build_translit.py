"""Build parcours/static/parcours/translit.json, the ONE transliteration table of the LK2 linkage keys.

Read by parcours/diagnostic/linkage.py and by parcours/static/parcours/linkage.js, so that the server-side
tools and the browsers transliterate a name the same way by construction. Run it again only to change the
table (then the campaign keys of an open campaign change: never during a campaign):

    .venv/bin/pip install pypinyin==0.55.0   # only for this script: NOT a runtime dependency
    .venv/bin/python scripts/build_translit.py

Provenance and licences:
- Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Macedonian, Bulgarian letters): the French passport
  practice for Russian (ICAO Doc 9303 letters for Ж Х Ц Ч Ш Щ Ю Я), written out below (no third-party data).
- Greek: ELOT 743 / ISO 843 single-letter values, written out below.
- Arabic, Persian and Urdu letters: a simplified consonantal transliteration (as French administrations
  write North-African names: ج J, خ KH, ش SH, ع and ء omitted), written out below.
- Hangul: the syllables are decomposed by Unicode NFKD into conjoining jamo, mapped here to the Revised
  Romanization of Korean (Ministry of Culture, 2000) without its assimilation rules.
- Han (CJK Unified Ideographs U+4E00-U+9FFF and Extension A U+3400-U+4DBF): the most frequent Mandarin
  reading from pypinyin 0.55.0 (MIT licence, data from pinyin-data / CC-CEDICT-derived sources), written
  without tones, ü as U; grouped by reading in the JSON to keep it small. Japanese kanji get their Chinese
  reading (consistent between lists, but not the Japanese spelling).
"""

from __future__ import annotations

import json
from pathlib import Path

from pypinyin import Style, pinyin  # build-time only

TARGET = Path(__file__).resolve().parents[1] / "parcours" / "static" / "parcours" / "translit.json"
PYPINYIN_VERSION = "0.55.0"

# fmt: off
CYRILLIC = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Е": "E", "Ж": "ZH", "З": "Z", "И": "I",
    "К": "K", "Л": "L", "М": "M", "Н": "N", "О": "O", "П": "P", "Р": "R", "С": "S", "Т": "T", "У": "U",
    "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Ш": "SH", "Щ": "SHCH", "Ъ": "", "Ы": "Y", "Ь": "",
    "Э": "E", "Ю": "YU", "Я": "YA",
    # Ukrainian, Belarusian (Й, Ё, Ї, Ў, Ѓ, Ќ decompose under NFKD to a base letter and a dropped mark)
    "Є": "YE", "І": "I", "Ґ": "G",
    # Serbian, Macedonian
    "Ђ": "DJ", "Ј": "J", "Љ": "LJ", "Њ": "NJ", "Ћ": "C", "Џ": "DZ", "Ѕ": "DZ",
}
GREEK = {
    "Α": "A", "Β": "V", "Γ": "G", "Δ": "D", "Ε": "E", "Ζ": "Z", "Η": "I", "Θ": "TH", "Ι": "I", "Κ": "K",
    "Λ": "L", "Μ": "M", "Ν": "N", "Ξ": "X", "Ο": "O", "Π": "P", "Ρ": "R", "Σ": "S", "Τ": "T", "Υ": "Y",
    "Φ": "F", "Χ": "CH", "Ψ": "PS", "Ω": "O", "ς": "S",
}
ARABIC = {
    "ا": "A", "ب": "B", "ت": "T", "ث": "TH", "ج": "J", "ح": "H", "خ": "KH", "د": "D", "ذ": "DH", "ر": "R",
    "ز": "Z", "س": "S", "ش": "SH", "ص": "S", "ض": "D", "ط": "T", "ظ": "Z", "ع": "", "غ": "GH", "ف": "F",
    "ق": "K", "ك": "K", "ل": "L", "م": "M", "ن": "N", "ه": "H", "و": "OU", "ي": "I", "ى": "A", "ة": "A",
    "ء": "", "ٱ": "A",
    # Persian, Urdu
    "پ": "P", "چ": "CH", "ژ": "J", "گ": "G", "ک": "K", "ی": "I", "ٹ": "T", "ڈ": "D", "ڑ": "R", "ں": "N",
    "ے": "E", "ہ": "H", "ھ": "H", "ۀ": "E", "ۃ": "A",
}
# Conjoining jamo (what NFKD makes of a Hangul syllable): initial consonants U+1100.., vowels U+1161..,
# final consonants U+11A8.. in Unicode order, Revised Romanization.
HANGUL_INITIALS = "G KK N D TT R M B PP S SS - J JJ CH K T P H".split()
HANGUL_VOWELS = "A AE YA YAE EO E YEO YE O WA WAE OE YO U WO WE WI YU EU UI I".split()
HANGUL_FINALS = "K K K N N N T L K M L L L P L M P P T T NG T T K T P T".split()
# fmt: on


def letters() -> dict[str, str]:
    table: dict[str, str] = {}
    for source in (CYRILLIC, GREEK, ARABIC):
        for char, latin in source.items():
            table[char] = latin
            if char.lower() != char:
                table[char.lower()] = latin
    table["σ"] = "S"
    for i, latin in enumerate(HANGUL_INITIALS):
        table[chr(0x1100 + i)] = "" if latin == "-" else latin
    for i, latin in enumerate(HANGUL_VOWELS):
        table[chr(0x1161 + i)] = latin
    for i, latin in enumerate(HANGUL_FINALS):
        table[chr(0x11A8 + i)] = latin
    return dict(sorted(table.items()))


def han() -> dict[str, str]:
    groups: dict[str, list[str]] = {}
    for block in (range(0x3400, 0x4DC0), range(0x4E00, 0xA000)):
        for code in block:
            char = chr(code)
            reading = pinyin(char, style=Style.NORMAL, errors=lambda _: [""])[0][0]
            if not reading or not reading.isascii() or not reading.isalpha():
                continue
            groups.setdefault(reading.upper().replace("V", "U"), []).append(char)
    return {reading: "".join(chars) for reading, chars in sorted(groups.items())}


def main() -> None:
    table = {
        "scheme": "LK2",
        "source": f"scripts/build_translit.py (pypinyin {PYPINYIN_VERSION} for Han)",
        "letters": letters(),
        "han": han(),
    }
    TARGET.write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    han_count = sum(map(len, table["han"].values()))
    print(f"{TARGET.name}: {len(table['letters'])} letters, {han_count} Han characters")


if __name__ == "__main__":
    main()
