"""Errors in view (docs/saisies.md): every refused form comes back with « Erreur : » at the start of the page
title, an error summary that links each error to its field, the field's own DSFR error message tied to it by
aria-describedby, and nothing changed. An inline form of a long page posts to its own summary's fragment."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from parcours.pathways.models import PathwayState
from tests.conftest import client_for
from tests.views.helpers import assert_unchanged, db_snapshot

pytestmark = pytest.mark.django_db


def title_of(response) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)).strip()


def summary_of(response) -> str:
    match = re.search(r"<div[^>]*data-error-summary[^>]*>.*?</div>", response.content.decode(), re.S)
    assert match, "no error summary on the page"
    return html.unescape(match.group(0))


def test_end_of_pathway_without_a_reason_comes_back_in_its_block(actors, active_pathway):
    client = client_for(actors["secretariat"])
    url = reverse("pathways:end", args=[active_pathway.public_id])
    page = client.get(reverse("pathways:detail_decisions", args=[active_pathway.public_id])).content.decode()
    assert f'action="{url}#id_end_erreurs"' in page  # the browser opens the answer at the summary
    before = db_snapshot()

    response = client.post(url, {"reason": "", "day": "pas une date"})

    assert response.status_code == 200
    assert title_of(response).startswith("Erreur : ")
    summary = summary_of(response)
    assert 'id="id_end_erreurs"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    assert '<a href="#id_end_reason_0">Motif de fin : Ce champ est obligatoire.</a>' in summary
    assert '<a href="#id_end_day">Date de fin : ' in summary
    body = response.content.decode()
    # The summary sits in the « Fin du parcours » block, before the form's fields.
    block = body[body.index('<section id="fin"') :]
    assert block.index("data-error-summary") < block.index('name="reason"')
    # Each field carries its own message, tied to it.
    assert re.search(
        r'<input[^>]*aria-describedby="id_end_day-desc-error"[^>]*id="id_end_day"', body
    ) or re.search(r'<input[^>]*id="id_end_day"[^>]*aria-describedby="id_end_day-desc-error"', body)
    assert 'id="id_end_day-desc-error"' in body
    assert 'aria-labelledby="id_end_reason-legend id_end_reason-desc-error"' in body
    assert_unchanged(before)
    active_pathway.refresh_from_db()
    assert active_pathway.state == PathwayState.ACTIVE


def test_a_page_without_errors_has_a_plain_title(actors, active_pathway):
    response = client_for(actors["secretariat"]).get(
        reverse("pathways:detail", args=[active_pathway.public_id])
    )
    assert not title_of(response).startswith("Erreur")
    assert "data-error-summary" not in response.content.decode()


def test_a_refused_action_button_gives_an_error_title_and_a_focusable_message(actors, active_pathway):
    """A button without a form (here: submitting a request that is not open) redirects to the page opened at
    the message (in view without JavaScript); the message names its block for parcours/errors.js, which
    moves it there and focuses it."""
    client = client_for(actors["association_worker"])
    response = client.post(reverse("pathways:submit", args=[active_pathway.public_id]), follow=True)
    assert response.redirect_chain[-1][0].endswith("#erreur")
    assert title_of(response).startswith("Erreur : ")
    assert re.search(
        r'role="alert" tabindex="-1" data-error-message id="erreur" data-block="demande"',
        response.content.decode(),
    )
    assert 'id="demande"' in response.content.decode()


def test_a_full_page_form_lists_its_errors_with_links(actors, person):
    client = client_for(actors["association_worker"])
    url = reverse("people:edit", args=[person.public_id])
    form_page = client.get(url)
    data = {k: v for k, v in form_page.context["form"].initial.items() if v is not None}
    data.update(last_name="", first_name="Prénom", birth_date="31/02/2001")
    before = db_snapshot()
    response = client.post(url, data)
    assert response.status_code == 200
    assert title_of(response).startswith("Erreur : ")
    summary = summary_of(response)
    assert "<h2" in summary  # the page's own form: a heading of the page outline
    assert re.search(r'<a href="#id_person_last_name">[^<]+ : Ce champ est obligatoire\.</a>', summary)
    assert_unchanged(before)


def test_an_inline_form_of_the_person_page_comes_back_with_its_field_errors(actors, person):
    client = client_for(actors["association_worker"])
    before = db_snapshot()
    response = client.post(
        reverse("people:note_add", args=[person.public_id]), {"date": "", "kind": "", "text": ""}
    )
    assert response.status_code == 200
    assert title_of(response).startswith("Erreur : ")
    summary = summary_of(response)
    assert 'id="id_note_erreurs"' in summary and 'href="#id_note_text"' in summary
    body = response.content.decode()
    assert body.index('id="notes"') < body.index("data-error-summary")
    assert_unchanged(before)
