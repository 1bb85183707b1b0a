"""A model choice field of the application's forms reads its options by one ordinary query, kept for the
form's life (core.forms.ListedChoiceIterator), and offers exactly what Django's own iterator offers."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.core.forms import DsfrBaseForm
from parcours.core.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


class PlainForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), empty_label="Toutes"
    )
    several = forms.ModelMultipleChoiceField(queryset=Organisation.objects.order_by("name"), required=False)


class ApplicationForm(DsfrBaseForm, PlainForm):
    pass


def test_the_options_are_django_s_and_are_read_once_without_a_server_side_cursor():
    chosen = OrganisationFactory(name="Association B")
    OrganisationFactory(name="Association A")
    data = {"organisation": str(chosen.pk)}

    form = ApplicationForm(data)
    assert form.is_valid()  # the chosen one read by its own query (ModelChoiceField.to_python)
    with CaptureQueriesContext(connection) as read:
        first = form["organisation"].as_widget()
        second = form["organisation"].as_widget()
    plain = PlainForm(data)

    assert list(form.fields["organisation"].choices) == list(plain.fields["organisation"].choices)
    assert list(form.fields["several"].choices) == list(plain.fields["several"].choices)
    assert first == second and "selected>Association B</option>" in first
    assert len(read.captured_queries) == 1
    assert not any("DECLARE" in q["sql"].upper() for q in read.captured_queries)


def test_a_queryset_set_after_the_form_is_built_keeps_the_listed_options():
    known = OrganisationFactory(name="Association A")
    form = ApplicationForm({"organisation": str(known.pk)})
    form.fields["organisation"].queryset = Organisation.objects.none()
    assert list(form.fields["organisation"].choices) == [("", "Toutes")]
    assert form.is_valid() is False and "organisation" in form.errors
