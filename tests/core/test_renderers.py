"""The Python rendering of Django's select and input widgets gives the bytes of Django's own templates."""

from datetime import date

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.core.renderers import WidgetRenderer

TEMPLATES = TemplatesSetting()
FAST = WidgetRenderer()

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
attr_values = st.one_of(text, st.booleans(), st.integers(-5, 5000), text.map(mark_safe))
attrs = st.dictionaries(
    st.sampled_from(["class", "data-x", "required", "disabled", "aria-describedby"]), attr_values
)
labels = st.one_of(text, st.integers(0, 100000), text.map(mark_safe))
choices = st.lists(st.tuples(st.one_of(text, st.integers(0, 3000)), labels), max_size=6)
groups = st.lists(st.tuples(text, choices), max_size=3)


def both(widget, name, value):
    return widget.render(name, value, renderer=TEMPLATES), widget.render(name, value, renderer=FAST)


@settings(max_examples=120, deadline=None)
@given(choices=choices, attrs=attrs, name=text, value=st.one_of(st.none(), text, st.integers(0, 3000)))
def test_a_select_is_rendered_as_by_its_template(choices, attrs, name, value):
    slow, fast = both(forms.Select(attrs=attrs, choices=choices), name, value)
    assert fast == slow


@settings(max_examples=80, deadline=None)
@given(groups=groups, plain=choices, attrs=attrs, value=st.lists(text, max_size=2))
def test_a_select_with_groups_and_several_values_is_rendered_as_by_its_template(groups, plain, attrs, value):
    widget = forms.SelectMultiple(attrs=attrs, choices=[*plain, *groups])
    slow, fast = both(widget, "champ", value)
    assert fast == slow


@settings(max_examples=120, deadline=None)
@given(
    kind=st.sampled_from(
        [
            forms.TextInput,
            forms.NumberInput,
            forms.EmailInput,
            forms.URLInput,
            forms.HiddenInput,
            forms.DateInput,
        ]
    ),
    attrs=attrs,
    name=text,
    value=st.one_of(st.none(), text, st.integers(-10, 10**7), st.dates(), text.map(mark_safe)),
)
def test_an_input_is_rendered_as_by_its_template(kind, attrs, name, value):
    slow, fast = both(kind(attrs=attrs), name, value)
    assert fast == slow


def test_a_password_keeps_its_value_out_as_by_its_template():
    slow, fast = both(forms.PasswordInput(), "mot_de_passe", "secret")
    assert fast == slow and "secret" not in fast


@pytest.mark.django_db
def test_the_forms_of_a_page_are_unchanged():
    """A real form of the application (DSFR field groups, a date, a select with a lazy label), both ways."""
    from parcours.pathways.forms import EndForm

    form = EndForm(initial={"day": date(2026, 12, 4)})
    fast = form.render(renderer=FAST)
    slow = form.render(renderer=TEMPLATES)
    assert fast == slow and "<input" in fast


# The DSFR field group (label, hint, the widget, errors) of django-dsfr's input snippet, in Python too.
field_kinds = st.sampled_from(
    [
        lambda **kw: forms.CharField(**kw),
        lambda **kw: forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **kw),
        lambda **kw: forms.IntegerField(min_value=0, **kw),
        lambda **kw: forms.EmailField(**kw),
        lambda **kw: forms.CharField(widget=forms.Textarea, **kw),
        lambda **kw: forms.ChoiceField(choices=[("a", "Un"), ("b", "Deux <b>")], **kw),
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    kind=field_kinds,
    label=st.one_of(text, text.map(mark_safe)),
    help_text=st.one_of(st.just(""), text, text.map(mark_safe)),
    required=st.booleans(),
    disabled=st.booleans(),
    bound=st.one_of(st.none(), st.dictionaries(st.just("champ"), text)),
    group_class=st.one_of(st.none(), st.sampled_from(["fr-input-group", "fr-select-group", 'x"<'])),
)
def test_a_dsfr_field_group_is_rendered_as_by_its_template(
    kind, label, help_text, required, disabled, bound, group_class
):
    from dsfr.forms import DsfrBaseForm

    def form(renderer):
        field = kind(label=label, help_text=help_text, required=required, disabled=disabled)
        if group_class is not None:
            field.widget.group_class = group_class
        return type("F", (DsfrBaseForm,), {"champ": field})(bound, renderer=renderer)

    slow = form(TEMPLATES)["champ"].as_field_group()
    fast = form(FAST)["champ"].as_field_group()
    assert fast == slow and 'class="fr-label"' in fast


@settings(max_examples=100, deadline=None)
@given(
    choices=st.lists(st.tuples(st.one_of(text, st.integers(0, 3000)), labels), min_size=1, max_size=5),
    attrs=attrs,
    value=st.one_of(st.none(), text, st.integers(0, 3000)),
    label=text,
)
def test_radio_buttons_are_rendered_as_by_their_template(choices, attrs, value, label):
    from dsfr.forms import DsfrBaseForm

    def form(renderer):
        field = forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect(attrs=attrs))
        data = {"choix": value} if value is not None else None
        return type("F", (DsfrBaseForm,), {"choix": field})(data, renderer=renderer)

    slow = form(TEMPLATES)["choix"].as_field_group()
    fast = form(FAST)["choix"].as_field_group()
    assert fast == slow and 'class="fr-radio-group"' in fast
