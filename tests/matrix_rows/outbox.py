# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of the outbox: the secretariat only."""

from parcours.outbox.models import EmailStatus, OutgoingEmail
from parcours.outbox.services import queue_email
from tests.matrix_rows.base import GET, POST, Row, _none


def _failed_email(w):
    email = queue_email(departement=w.departement, idempotency_key=f"matrice:{w.today}", to="membre@example.org",
                        subject="Convocation", body="Texte")  # fmt: skip
    OutgoingEmail.objects.filter(pk=email.pk).update(status=EmailStatus.FAILED, attempts=5)
    return {"pk": email.public_id}, {}


# fmt: off
ROWS = {
    "outbox:list": Row(GET, _none, (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "outbox:retry": Row(POST, _failed_email, (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
}
# fmt: on
