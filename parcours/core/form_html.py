"""The fields of a blank form, rendered once per process and reused while what they show is the same.

A pathway's file offers its acts as forms (a step of the rights, the AFIS's stop, the end of the pathway, the
commission's opinion...): each of their fields is a DSFR field group (label, hint, widget), ~0.1 ms of Python
apiece even with the widgets written in Python (core.renderers), about a millisecond on a tab of the file.
Those forms are blank: the same HTML at every page, but for the values they propose (today's date, the
person's number of children). This module keeps that HTML, under a key made of everything it depends on.

A form class opts in with ``fields_html_kept = True``; `eligible` checks it can (no ``__init__`` of its own,
no choices read from the database), and tests/core/test_form_html.py that every class that opts in does. Its
fields' HTML is kept only when the form is blank (unbound, no instance from the database) and every value it
proposes is a plain value (a date, a number, a short text, a choice): the key is the form's class, its
prefix, its ids' pattern, its label suffix, its required attributes, the order of its fields, and each
field's proposed value. Nothing of a person's record is kept: a form built on one (an objective to edit, a
request) is rendered every time (docs/adr/0021-champs-des-formulaires-vierges-gardes.md).

Under ``PARCOURS_FORM_HTML_VERIFY`` (the test settings) every reuse is rendered again and compared: the whole
suite checks the kept HTML wherever a page shows such a form.
"""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.choices import CallableChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from .kept import Kept

# A key per form class and set of proposed values (today's date changes them once a day); the oldest leaves.
MAX_KEPT = 256
# A proposed text longer than this is not a constant of the code (a label, a default): never kept.
MAX_TEXT = 200
PLAIN = (bool, int, Decimal, datetime.date, datetime.time, type(None))

_kept = Kept(MAX_KEPT)


class FieldsHtmlMismatch(AssertionError):
    """A kept HTML differs from a new rendering (verification mode): the key misses what it depends on."""


def render_fields(form) -> SafeString:
    """What includes/fields.html writes for the fields of `form`: each hidden field's widget, each visible
    field's DSFR group in a `fr-fieldset__element`."""
    parts = []
    for field in form:
        if field.is_hidden:
            parts.append(conditional_escape(field))
        else:
            parts.append(f'<div class="fr-fieldset__element">{field.as_field_group()}</div>')
    return mark_safe("".join(parts))  # noqa: S308 (the fields' own rendering, escaped by their templates)


def fields_html(form) -> SafeString:
    """`render_fields(form)`, kept and reused for a blank form of a class that opts in (module docstring)."""
    key = _key(form)
    if key is None:
        return render_fields(form)
    html = _kept.get(key)
    if html is not None:
        if settings.PARCOURS_FORM_HTML_VERIFY:
            fresh = render_fields(form)
            if fresh != html:
                raise FieldsHtmlMismatch(f"{type(form).__name__} : le HTML gardé diffère d'un nouveau rendu.")
        return html
    html = render_fields(form)
    _kept.put(key, html)
    return html


@functools.cache
def eligible(form_class) -> bool:
    """Whether the fields of a blank `form_class` are the same for the same proposed values: the class opts
    in, defines no ``__init__`` of its own (which could change a field with what it is given), and none of
    its fields reads its choices from the database or from a function (they could change)."""
    from .forms import DsfrBaseForm

    if not getattr(form_class, "fields_html_kept", False) or not issubclass(form_class, DsfrBaseForm):
        return False
    for klass in form_class.__mro__:
        if klass is DsfrBaseForm:
            break
        if "__init__" in vars(klass):
            return False
    for field in form_class.base_fields.values():
        if isinstance(field, forms.ModelChoiceField):
            return False
        if isinstance(getattr(field, "choices", None), CallableChoiceIterator):
            return False
    return True


def _key(form) -> tuple | None:
    if form.is_bound or not eligible(type(form)):
        return None
    instance = getattr(form, "instance", None)
    if instance is not None and instance.pk is not None:
        return None
    values = []
    for name in form.fields:
        value = _plain(form[name].initial)
        if value is _NOT_PLAIN:
            return None
        values.append((name, value))
    return (
        type(form),
        form.prefix,
        form.auto_id,
        form.label_suffix,
        form.use_required_attribute,
        tuple(values),
    )


_NOT_PLAIN = object()


def _plain(value):
    if isinstance(value, PLAIN):
        # A date and a datetime are both dates, a bool an int: their type is in the key with them.
        return (type(value), value)
    if isinstance(value, str):  # a text, a choice of an enumeration (TextChoices), a safe text
        return (type(value), str(value)) if len(value) <= MAX_TEXT else _NOT_PLAIN
    if isinstance(value, (list, tuple)):
        items = tuple(_plain(item) for item in value)
        return _NOT_PLAIN if _NOT_PLAIN in items else (type(value), items)
    return _NOT_PLAIN


def clear() -> None:
    _kept.clear()


def kept() -> int:
    return len(_kept)
