"""What a form accepts as free text (docs/saisies.md): one normaliser, length limits, phone numbers.

Every form of the application derives from `core.forms.DsfrBaseForm`, which mixes in `CleanTextMixin`: before
a form is validated, each text field's value is normalised (`clean_text`), and a text field declared without
a maximum length gets one (a line or a text). Forms name tighter limits in `max_lengths`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

# Maximum lengths, in characters. No law sets them: they hold the longest real value with a wide margin and
# keep an attacker from storing (and making every page render) megabytes of text.
NAME_MAX_LENGTH = 100  # a family name, first names, a usual name, an alias; a nationality
LINE_MAX_LENGTH = 200  # any other single line: a title, a place, a reference, a reason
ADDRESS_MAX_LENGTH = 300  # a postal address or a domiciliation, on a few lines
PHONE_MAX_LENGTH = 30  # "+33 (0)6 12 34 56 78" with room for an extension
EMAIL_MAX_LENGTH = 254  # RFC 5321, § 4.5.3.1.3 (longest path, minus its angle brackets)
TEXT_MAX_LENGTH = 5_000  # a motive, an opinion, a comment, situation notes: a page and a half
NOTE_MAX_LENGTH = 20_000  # the report of an interview: several pages

# Characters nobody types in a name or a note and that change how text reads or compares:
# bidirectional overrides, embeddings, isolates and marks (a name that displays backwards, a file name whose
# extension appears to change), and invisible characters that make two equal names differ.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2066\u2067\u2068\u2069"  # LRI, RLI, FSI, PDI
    "\u200e\u200f\u061c"  # LRM, RLM, ALM
)
INVISIBLE = frozenset("\u200b\u2060\ufeff")  # zero-width space, word joiner, zero-width no-break space
LINE_BREAKS = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")  # tabs and every kind of new line
MULTILINE_KEPT = frozenset("\t\n\r")
# NUL is left in place: Django's ProhibitNullCharactersValidator refuses it with its own French message
# (a NUL in a form is no typing mistake).
NUL = "\x00"


def _is_control(character: str) -> bool:
    return unicodedata.category(character) == "Cc"  # C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F)


def clean_text(value: str, *, multiline: bool = False) -> str:
    """The text without control, bidirectional and invisible characters, in Unicode NFC form.

    On one line, tabs and line breaks become spaces; in a multi-line text, tab, CR and LF are kept."""
    kept = []
    for character in unicodedata.normalize("NFC", value):
        if character in BIDI_CONTROLS or character in INVISIBLE:
            continue
        if character == NUL or (multiline and character in MULTILINE_KEPT):
            kept.append(character)
        elif character in LINE_BREAKS:
            kept.append(" ")
        elif not _is_control(character):
            kept.append(character)
    return "".join(kept)


PHONE_MESSAGE = "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78."
_PHONE_CHARACTERS = re.compile(r"\+?[0-9 .()\-]+")


def validate_phone(value: str) -> None:
    """A French number (ten digits starting with 0) or an international one (+ or 00, then 8 to 15 digits,
    ITU-T E.164), written with spaces, dots, hyphens or brackets; nothing else."""
    value = value.strip()
    if not value:
        return
    if not _PHONE_CHARACTERS.fullmatch(value):
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")
    digits = re.sub(r"\D", "", value)
    if value.startswith("+") or digits.startswith("00"):
        valid = 8 <= len(digits.removeprefix("00")) <= 15
    else:
        valid = len(digits) == 10 and digits.startswith("0")
    if not valid:
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")


def _is_text(field: forms.Field) -> bool:
    return isinstance(field, forms.CharField) and not isinstance(
        field.widget, forms.PasswordInput | forms.HiddenInput
    )


def set_max_length(field: forms.CharField, limit: int) -> None:
    """Give a text field a maximum length after its creation: validator, and the browser's `maxlength`."""
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs["maxlength"] = str(limit)


class CleanTextMixin:
    """Normalise every text field before validation, and bound its length.

    `max_lengths = {"field": limit}` on a form sets a field's limit; any other text field without one gets
    TEXT_MAX_LENGTH when it is a text area, LINE_MAX_LENGTH otherwise."""

    max_lengths: dict[str, int] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not _is_text(field):
                continue
            if name in self.max_lengths:
                set_max_length(field, self.max_lengths[name])
            elif field.max_length is None:
                multiline = isinstance(field.widget, forms.Textarea)
                set_max_length(field, TEXT_MAX_LENGTH if multiline else LINE_MAX_LENGTH)

    def full_clean(self):
        if self.is_bound:
            self._normalise_data()
        super().full_clean()

    def _normalise_data(self) -> None:
        data = None
        for name, field in self.fields.items():
            if not _is_text(field) or field.disabled:
                continue
            key = self.add_prefix(name)
            value = field.widget.value_from_datadict(self.data, self.files, key)
            if not isinstance(value, str):
                continue
            cleaned = clean_text(value, multiline=isinstance(field.widget, forms.Textarea))
            if cleaned != value:
                data = data if data is not None else self.data.copy()
                data[key] = cleaned
        if data is not None:
            self.data = data


# The browser's date picker; the value travels as ISO 8601 whatever the reader's locale.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def not_in_future(value: date | None, label: str = "La date") -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{label} ne peut pas être dans le futur.")
