"""Rows shared by the Python tests and the browser test of the LK2 keys (synthetic identities only).

Each row: (last name, first name, birth as written in a list, date order of its list).
"""

from __future__ import annotations

PHRASE = "phrase secrète partagée hors ligne"
CAMPAIGN = "DIAG-99-2026"
REFERENCE = "2026-11-30"

VECTORS = [
    ("Zorvalenne", "Ilona", "12/06/1994", "dm"),  # Latin
    ("Le Gall-Dupré", "Zoë", "2009-03-01", "dm"),  # accents, hyphen, space
    ("N'Diaye", "Œdipe", "31/12/1980", "dm"),  # apostrophe, ligature
    ("Wałęsa", "Łukasz", "03/15/1971", "md"),  # Polish Ł, month first
    ("Øyvindsen", "Þórunn", "07/07/1988", "dm"),  # Nordic Ø, Þ
    ("Đorđević", "Ðurđa", "1990", "dm"),  # Serbian Đ, year only
    ("Сергеев", "Сергей", "01/02/1985", "dm"),  # Cyrillic
    ("Παπαδόπουλος", "Γιώργος", "1979-11-05", "dm"),  # Greek
    ("张", "伟", "23/04/2001", "dm"),  # Chinese (Han -> pinyin)
    ("محمد", "علي", "05/05/1999", "dm"),  # Arabic
    ("김", "민준", "1995-08-09", "dm"),  # Hangul
    ("Li", "", "2001-01-01", "dm"),  # one short name: no single-name key
]
