"""The fields of blank forms kept per process (parcours.core.form_html): the same HTML as the template wrote,
only for forms that can be kept, under a key that changes with what they show, never a person's record."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.apps import apps
from django.template import Context, Template
from django.test import override_settings

from parcours.core import form_html
from parcours.core.forms import DsfrBaseForm
from parcours.pathways.forms import AfisGrantForm, DecisionForm, ObjectiveForm, RightStepForm
from tests.factories import PersonFactory

# includes/fields.html's loop before `{% form_fields %}`, the reference of the bytes.
TEMPLATE_LOOP = Template(
    "{% for field in form %}{% if field.is_hidden %}{{ field }}{% else %}"
    '<div class="fr-fieldset__element">{{ field.as_field_group }}</div>{% endif %}{% endfor %}'
)


@pytest.fixture(autouse=True)
def empty_store():
    form_html.clear()
    yield
    form_html.clear()


def kept_classes() -> list[type]:
    for config in apps.get_app_configs():
        if config.name.startswith("parcours."):
            try:
                __import__(f"{config.name}.forms")
            except ModuleNotFoundError:
                pass
    found, todo = [], [DsfrBaseForm]
    while todo:
        klass = todo.pop()
        todo.extend(klass.__subclasses__())
        if vars(klass).get("fields_html_kept") and klass.__module__.startswith("parcours."):
            found.append(klass)
    return found


def test_every_form_that_opts_in_can_be_kept():
    classes = kept_classes()
    assert RightStepForm in classes and DecisionForm in classes
    assert [c.__name__ for c in classes if not form_html.eligible(c)] == []


@pytest.mark.parametrize("form_class", kept_classes(), ids=lambda c: c.__name__)
def test_the_kept_fields_are_the_templates_bytes(form_class):
    first = form_html.fields_html(form_class())
    again = form_html.fields_html(form_class())
    assert form_html.kept() == 1
    assert first == again == TEMPLATE_LOOP.render(Context({"form": form_class()}))


def test_the_proposed_values_are_in_the_key():
    today, tomorrow = date(2026, 12, 6), date(2026, 12, 7)
    a = form_html.fields_html(AfisGrantForm(initial={"granted_on": today, "dependent_children": 1}))
    b = form_html.fields_html(AfisGrantForm(initial={"granted_on": tomorrow, "dependent_children": 1}))
    c = form_html.fields_html(AfisGrantForm(initial={"granted_on": today, "dependent_children": 3}))
    assert form_html.kept() == 3
    assert 'value="2026-12-06"' in a and 'value="2026-12-07"' in b
    assert 'value="1"' in a and 'value="3"' in c
    # The prefix and the ids' pattern too: two forms of one class on a page keep their own labels' targets.
    prefixed = form_html.fields_html(AfisGrantForm(initial={"granted_on": today}, prefix="autre"))
    assert 'id="id_afis_grant_autre-granted_on"' in prefixed


@pytest.mark.django_db
def test_a_form_on_a_record_or_filled_in_is_never_kept():
    from parcours.pathways.models import PlanObjective

    objective = PlanObjective(domain="housing", objective="Trouver un logement près de l'école de Lina")
    assert form_html.fields_html(ObjectiveForm(instance=objective))  # unsaved: blank, its values in the key
    assert form_html.kept() == 1
    form_html.clear()
    PersonFactory()  # a database in use
    objective.pk = 12
    html = form_html.fields_html(ObjectiveForm(instance=objective))
    assert "école de Lina" in html and form_html.kept() == 0
    form_html.fields_html(RightStepForm(data={"domain": "housing"}))
    assert form_html.kept() == 0


def test_a_long_text_proposed_is_not_kept():
    form_html.fields_html(DecisionForm(initial={"motive": "x" * (form_html.MAX_TEXT + 1)}))
    assert form_html.kept() == 0
    form_html.fields_html(DecisionForm(initial={"motive": "Refus : ressources"}))
    assert form_html.kept() == 1


class WithItsOwnInit(DsfrBaseForm):
    fields_html_kept = True
    day = forms.DateField()

    def __init__(self, *args, hint="Jour", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].widget.attrs["placeholder"] = hint


class WithChoicesFromAFunction(DsfrBaseForm):
    fields_html_kept = True
    kind = forms.ChoiceField(choices=lambda: [("a", "A")])


def test_a_form_whose_fields_may_change_is_rendered_every_time():
    assert not form_html.eligible(WithItsOwnInit)
    assert not form_html.eligible(WithChoicesFromAFunction)
    assert 'placeholder="Lundi"' in form_html.fields_html(WithItsOwnInit(hint="Lundi"))
    assert 'placeholder="Mardi"' in form_html.fields_html(WithItsOwnInit(hint="Mardi"))
    assert form_html.kept() == 0


@override_settings(PARCOURS_FORM_HTML_VERIFY=True)
def test_a_kept_html_that_differs_fails_under_verification():
    form_html.fields_html(DecisionForm())
    changed = DecisionForm()
    changed.fields["reference"].widget.attrs["placeholder"] = "n° 2026-12"  # what the key does not see
    with pytest.raises(form_html.FieldsHtmlMismatch):
        form_html.fields_html(changed)


@override_settings(PARCOURS_FORM_HTML_VERIFY=False)
def test_without_verification_the_kept_html_is_served():
    first = form_html.fields_html(DecisionForm())
    assert form_html.fields_html(DecisionForm()) is first
