"""Every document kind of the commission: its default template only uses its declared fields, and its
sample renders to a readable PDF with the prefecture's heading."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from parcours.commission import documents as kinds
from parcours.documents import registry, sandbox
from parcours.documents.services import default_body, render_pdf

pytestmark = pytest.mark.django_db

COMMISSION_KINDS = [
    kinds.CONVOCATION,
    kinds.MINUTES,
    kinds.DECISION,
    kinds.LETTER_PERSON,
    kinds.LETTER_AFIS,
    kinds.LETTER_IMMIGRATION,
]


def default_source(kind) -> str:
    return default_body(kind)


@pytest.mark.parametrize("key", COMMISSION_KINDS)
def test_default_template_is_valid_and_renders(key, departement):
    kind = registry.get(key)
    sandbox.check(default_source(kind), registry.available_fields(kind))
    content = render_pdf(departement=departement, kind=key, context=kind.sample(), title=kind.label)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())
    assert "Liberté" in text and departement.name in text
    assert kind.label.split(" (")[0].split(" —")[0][:20] in text


def test_the_decision_says_what_the_prefect_decided(departement):
    kind = registry.get(kinds.DECISION)
    sample = kind.sample()
    text = " ".join(
        page.extract_text()
        for page in PdfReader(
            io.BytesIO(
                render_pdf(departement=departement, kind=kinds.DECISION, context=sample, title="Décision")
            )
        ).pages
    )
    assert "L. 121-9" in text and "2016-1467" in text  # the visas
    assert "FICTIVE" in text and "20 septembre 2026" not in text and "19 septembre 2026" in text
    refused = {**sample, "decision": {**sample["decision"], "autorisee": False, "motif": "Motif de test"}}
    text = " ".join(
        page.extract_text()
        for page in PdfReader(
            io.BytesIO(
                render_pdf(departement=departement, kind=kinds.DECISION, context=refused, title="Décision")
            )
        ).pages
    )
    assert "est refusée" in text and "Motif de test" in text and "deux mois" in text
