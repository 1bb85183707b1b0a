"""The form renderer: Django's TemplatesSetting, with its most used widget templates rendered in Python.

A `<select>` of twenty options is twenty-one template renders (one per option, each including the attributes'
template) and every text or date field three (its DSFR field group, its widget, the input): on a page of forms
(a pathway's file, a dashboard's filters) they were a tenth of the request's time. The functions below produce
the same bytes as Django's and django-dsfr's templates (tests/core/test_renderers.py compares them on
generated widgets and fields); a template overridden by the project or a library (found elsewhere than in the
library's own templates) is rendered by the template, as before.
"""

from __future__ import annotations

import html
from pathlib import Path

import django.forms
import dsfr
from django.forms.renderers import TemplatesSetting
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from dsfr.templatetags.dsfr_tags import dsfr_mark_optionnal_fields
from dsfr.utils import dsfr_input_class_attr

DJANGO_WIDGETS = Path(django.forms.__file__).resolve().parent / "templates"
DSFR_TEMPLATES = Path(dsfr.__file__).resolve().parent / "templates"
# The DSFR field group of most fields (label, hint, widget, errors), django-dsfr's template.
DSFR_INPUT_GROUP = "dsfr/form_field_snippets/input_snippet.html"
# A radio button and its label: django-dsfr's version of Django's template.
RADIO_OPTION = "django/forms/widgets/radio_option.html"
INPUT = "django/forms/widgets/input.html"
SELECT = "django/forms/widgets/select.html"
SELECT_OPTION = "django/forms/widgets/select_option.html"
ATTRS = "django/forms/widgets/attrs.html"
# Django's templates that only include input.html (and end with a newline).
INPUT_WRAPPERS = tuple(
    f"django/forms/widgets/{name}.html"
    for name in (
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
    )
)
_CONTEXT = Context(autoescape=True)


def _value(value) -> str:
    """`{{ value }}` in a template: localised, escaped unless safe. Plain text (most labels and names) is
    what `render_value_in_context` would escape with `html.escape`, without its lazy-string wrappers."""
    if type(value) is str:
        return html.escape(value)
    return render_value_in_context(value, _CONTEXT)


def _stringformat(value) -> str:
    """`{{ value|stringformat:'s' }}`: str() of the value (a tuple as a whole), safe if it was (the filter is
    is_safe), escaped if not."""
    if type(value) is str:  # plain text: escaped, as below
        return html.escape(value)
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)  # noqa: S308


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(" " + _value(name))
        if value is not True:
            out.append('="' + _stringformat(value) + '"')
    return "".join(out)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html."""
    value = "" if widget["value"] is None else ' value="' + _stringformat(widget["value"]) + '"'
    kind, name = _value(widget["type"]), _value(widget["name"])
    return f'<input type="{kind}" name="{name}"{value}{_attrs(widget["attrs"])}>\n'


def _select(widget: dict) -> str | None:
    """django/forms/widgets/select.html with its options (None: an option has a template of its own)."""
    out = [f'<select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _ in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_value(group_name)}">')
        for option in group_choices:
            if option["template_name"] != SELECT_OPTION:
                return None
            out.append(
                f'\n  <option value="{_stringformat(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_value(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


def _input_group(field) -> str:
    """dsfr/form_field_snippets/input_snippet.html for a bound field, its parts read in the template's order
    (the input class filter sets the widget's classes after the group's class was read)."""
    group = _value(getattr(field.field.widget, "group_class", None) or "fr-input-group")
    classes = group + (f" {group}--error" if field.errors else "")
    classes += " fr-input-group--disabled" if field.field.disabled else ""
    label_for = _value(field.id_for_label)
    out = [
        f'<div class="{classes}">\n  <label for="{label_for}" class="fr-label">\n    \n    ',
        _value(field.label),
        conditional_escape(dsfr_mark_optionnal_fields(field)),
        "\n    ",
    ]
    if field.help_text:
        out.append(
            f'\n      <span class="fr-hint-text" id="{label_for}_helptext">{field.help_text}</span>\n    '
        )
    out += ["\n    \n  </label>\n  ", _value(dsfr_input_class_attr(field)), "\n  "]
    if field.errors:
        error_id = f"{_value(field.auto_id)}-desc-error"
        out.append(f'\n    <div id="{error_id}">\n      {_value(field.errors)}\n    </div>\n  ')
    out.append("\n</div>")
    return "".join(out)


def _radio_option(widget: dict) -> str | None:
    """django-dsfr's django/forms/widgets/radio_option.html (None: a rich label, left to the template)."""
    label = widget["label"]
    if not isinstance(label, str | int | Promise):
        return None
    out = ['<div class="fr-radio-group">\n  ', _input(widget), "\n  "]
    if widget["wrap_label"]:
        label_for = f'for="{_value(widget["attrs"]["id"])}"' if widget["attrs"].get("id") else ""
        out.append(
            f'\n    <label class="fr-label"\n           {label_for}>\n      \n        {_value(label)}'
            "\n      \n    </label>\n  "
        )
    out.append("\n</div>\n")
    return "".join(out)


class WidgetRenderer(TemplatesSetting):
    """FORM_RENDERER: the templates of the project and its libraries first (as TemplatesSetting), and
    Django's select and input templates and django-dsfr's field group in Python when they are the ones in
    use."""

    def __init__(self):
        super().__init__()
        self._own: dict[str, bool] = {}

    def _unchanged(self, template_name: str, library: Path = DJANGO_WIDGETS) -> bool:
        """Whether the template in use under this name is the library's own (no override), once a process."""
        known = self._own.get(template_name)
        if known is None:
            origin = Path(self.get_template(template_name).origin.name).resolve()
            known = self._own[template_name] = origin.is_relative_to(library)
        return known

    def render(self, template_name, context, request=None):
        if template_name == DSFR_INPUT_GROUP:
            if self._unchanged(DSFR_INPUT_GROUP, DSFR_TEMPLATES) and set(context) == {"field"}:
                return _input_group(context["field"])
        elif template_name == RADIO_OPTION:
            if self._unchanged(RADIO_OPTION, DSFR_TEMPLATES) and self._unchanged(INPUT):
                html = _radio_option(context["widget"]) if self._plain() else None
                if html is not None:
                    return html.strip()
        elif template_name in INPUT_WRAPPERS or template_name == INPUT:
            if self._unchanged(template_name) and self._unchanged(INPUT) and self._plain():
                return _input(context["widget"]).strip()  # as BaseRenderer.render
        elif template_name == SELECT:
            if self._unchanged(SELECT) and self._unchanged(SELECT_OPTION) and self._plain():
                html = _select(context["widget"])
                if html is not None:
                    return html.strip()
        return super().render(template_name, context, request)

    def _plain(self) -> bool:
        return self._unchanged(ATTRS)
