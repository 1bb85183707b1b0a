"""The text normaliser and the phone check (core.inputs); the pages: tests/views/test_bad_text.py."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from parcours.core import inputs
from parcours.core.inputs import clean_text, validate_phone

FORBIDDEN = inputs.BIDI_CONTROLS | inputs.INVISIBLE


@given(st.text(), st.booleans())
def test_clean_text_leaves_no_control_bidi_or_invisible_character(value, multiline):
    cleaned = clean_text(value, multiline=multiline)
    allowed = {"\x00"} | (inputs.MULTILINE_KEPT if multiline else set())
    for character in cleaned:
        assert character not in FORBIDDEN
        assert unicodedata.category(character) != "Cc" or character in allowed
    assert clean_text(cleaned, multiline=multiline) == cleaned  # idempotent


@given(st.text(alphabet=st.characters(categories=["L", "M", "N", "P", "Zs"])))
def test_clean_text_keeps_ordinary_text(value):
    assert clean_text(value) == unicodedata.normalize("NFC", value)


@pytest.mark.parametrize(
    ("value", "multiline", "expected"),
    [
        ("\u202eOkonkwo\u202c", False, "Okonkwo"),
        ("Zo\u0065\u0301", False, "Zoé"),  # one way to write « é », the same as the other
        ("Nguyễn\u2066 Thị\u2069", False, "Nguyễn Thị"),
        ("ligne 1\nligne 2\ttab", False, "ligne 1 ligne 2 tab"),
        ("ligne 1\r\nligne 2\ttab\x1b", True, "ligne 1\r\nligne 2\ttab"),
        ("\u0645\u062d\u0645\u062f\u061c", False, "\u0645\u062d\u0645\u062f"),  # Arabic letters stay
        (
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
            False,
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        ),
    ],
)
def test_clean_text_examples(value, multiline, expected):
    assert clean_text(value, multiline=multiline) == expected


@pytest.mark.parametrize(
    "phone",
    [
        "06 12 34 56 78",
        "0612345678",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "0033 6 12 34 56 78",
        "+234 803 123 4567",
        "+44 20 7946 0958",
        "",
    ],
)
def test_phone_numbers_accepted(phone):
    validate_phone(phone)


@pytest.mark.parametrize(
    "phone",
    [
        "<script>alert(1)</script>",
        "06 12 34 56 7",
        "6 12 34 56 78",
        "+33 6",
        "06 12 34 56 78 ext. 2",
        "++33612345678",
    ],
)
def test_phone_numbers_refused(phone):
    with pytest.raises(ValidationError, match="numéro de téléphone valide"):
        validate_phone(phone)
