# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of the documents app: the secretariat only (templates, generated documents)."""

from parcours.documents import services
from tests.matrix_rows.base import GET, POST, Row, S, _none

KIND = "documents.courrier"
CONTEXT = {"destinataire": {"nom": "Madame Fictive", "adresse": "1 rue Imaginaire"}, "objet": "Essai",
           "corps": "Texte.", "signataire": "La secrétaire", "date": "3 mars 2026"}  # fmt: skip


def _document(w, freeze=False):
    return services.create_document(
        actor=w.actors[S], kind=KIND, context=CONTEXT, title="Courrier", freeze=freeze
    )


def _kind(w):
    return {"departement": w.departement.public_id, "kind": KIND}, None


ONLY_S_200 = (200, 403, 403, 403, 403, 403, 403, 403, 403)
ONLY_S_302 = (302, 403, 403, 403, 403, 403, 403, 403, 403)

# fmt: off
ROWS = {
    "documents:templates": Row(GET, _none, ONLY_S_200, 302),
    "documents:letterhead": Row(GET, _none, ONLY_S_200, 302),
    "documents:template_edit": Row(GET, _kind, ONLY_S_200, 302),
    "documents:template_reset": Row(POST, lambda w: ({"departement": w.departement.public_id, "kind": KIND}, {}), ONLY_S_302, 302),
    "documents:draft": Row(GET, lambda w: ({"pk": _document(w).public_id}, None), ONLY_S_200, 302),
    "documents:freeze": Row(POST, lambda w: ({"pk": _document(w).public_id}, {}), ONLY_S_302, 302),
    "documents:download": Row(GET, lambda w: ({"pk": _document(w, freeze=True).public_id}, None), ONLY_S_200, 302),
}
# fmt: on
