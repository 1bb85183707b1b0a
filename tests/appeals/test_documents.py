"""Every document kind of the appeals app: its default template uses only its declared fields, and its
synthetic sample renders to a readable PDF with the prefecture's heading and the text it must say."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from parcours.appeals import documents as kinds
from parcours.documents import registry, sandbox
from parcours.documents.services import default_body, render_pdf

pytestmark = pytest.mark.django_db

EXPECTED = {
    kinds.NOTICE: ["mettre fin à votre parcours", "15 jours", "L. 121-1 et L. 122-1", "conseil"],
    kinds.NOTICE_WITHDRAWAL: ["retirer cet agrément", "15 jours", "à compter de sa notification"],
    kinds.AFIS_STOP_DECISION: ["Décision n° 2026-0001", "1er avril 2026", "L. 211-2", "R. 421-1"],
    kinds.AFIS_STOP_LETTER_PERSON: ["1er avril 2026", "deux mois", "recours gracieux"],
    kinds.AFIS_STOP_LETTER_PAYER: ["1er avril 2026", "MSA Exemple", "reste due pour le mois de la décision"],
    kinds.WITHDRAWAL_DECISION: ["est retiré", "date de notification", "autre association agréée", "R. 421-1"],
}


@pytest.mark.parametrize("key", list(EXPECTED))
def test_default_template_is_valid_and_renders(key, departement):
    kind = registry.get(key)
    sandbox.check(default_body(kind), registry.available_fields(kind))
    content = render_pdf(departement=departement, kind=key, context=kind.sample(), title=kind.label)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())
    assert "Liberté" in text and departement.name in text
    for expected in EXPECTED[key]:
        assert expected in text, (key, expected)
