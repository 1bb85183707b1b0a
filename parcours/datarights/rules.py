"""Deadlines and limits of the data subjects' rights (GDPR), each with its source."""

from __future__ import annotations

from datetime import date

from parcours.pathways.rules import add_months

# The controller answers a request to exercise a right (access, rectification, erasure, restriction) « without
# undue delay and in any event within one month of receipt of the request ». Source: règlement (UE) 2016/679
# (RGPD), art. 12.3, first sentence.
ANSWER_MONTHS = 1
# « That period may be extended by two further months where necessary, taking into account the complexity and
# number of the requests », the person being told of the extension and its reasons within the first month.
# Source: RGPD, art. 12.3, second and third sentences.
EXTENSION_MONTHS = 2
SOURCE_ANSWER = "RGPD (règlement (UE) 2016/679), art. 12.3"

# The download link of an access export works once, for this long after the archive is built: the actor
# downloads it at once and hands it over; a forgotten link dies on its own.
EXPORT_LINK_MINUTES = 30
# Length of the password generated for an export (57 letters and digits without look-alikes: 140 bits).
EXPORT_PASSWORD_LENGTH = 24
EXPORT_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"  # noqa: S105 (an alphabet)


def answer_due(received_on: date, *, extended: bool = False) -> date:
    """The last day to answer a request received on `received_on` (one month, three if extended)."""
    return add_months(received_on, ANSWER_MONTHS + (EXTENSION_MONTHS if extended else 0))
