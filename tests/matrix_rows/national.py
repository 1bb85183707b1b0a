# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of the national aggregation (docs/national.md): the national analyst's pages, the API, and the
API tokens' page (the secretariat its département's export tokens, the administrator those and its
national analysts' tokens: parcours/national/policies.py).

The API answers 401 without credentials (no login redirect: it is read by programs) and reads a national
analyst's token or session; a signed-in user of any other role gets 403. The export (read by the national
instance with a département's export token) refuses every session: 403.
"""

from django.utils import timezone

from parcours.national import services
from parcours.national.models import TokenKind
from tests.matrix_rows.base import GET, POST, Row, _none
from tests.national.helpers import PEOPLE, store


def _release(w):
    release = store(code="69", name="Rhône")
    return {"code": release.departement_code, "year": release.year}, None


def _last_year(w):
    return {"year": str(timezone.localdate().year - 1)}, None


def _ranking(w):
    release = store(code="69", name="Rhône")
    return {"year": str(release.year), "indicator": PEOPLE}, None


def _api_release(w):
    kwargs, _ = _release(w)
    return {"code": kwargs["code"], "year": str(kwargs["year"])}, None


def _export_token(w):
    """An export token of the world's département (département 98's secretariat and administrator: 404)."""
    token, _ = services.issue_token(
        kind=TokenKind.EXPORT, name="Instance nationale fictive", departement=w.departement
    )
    return {"pk": token.public_id}, {"confirmation": "oui"}


# fmt: off
#                                                                         S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS = {
    "national:ranking": Row(GET, _none,                                 (403, 403, 403, 403, 403, 403, 403, 200, 403), 302),
    "national:regions": Row(GET, _none,                                 (403, 403, 403, 403, 403, 403, 403, 200, 403), 302),
    "national:departement": Row(GET, _release,                          (403, 403, 403, 403, 403, 403, 403, 200, 403), 302),
    "api:indicators": Row(GET, _none,                                   (403, 403, 403, 403, 403, 403, 403, 200, 403), 401),
    "api:release": Row(GET, _api_release,                               (403, 403, 403, 403, 403, 403, 403, 200, 403), 401),
    "api:ranking": Row(GET, _ranking,                                   (403, 403, 403, 403, 403, 403, 403, 200, 403), 401),
    "api:schema": Row(GET, _none,                                       (403, 403, 403, 403, 403, 403, 403, 200, 403), 401),
    "api:docs": Row(GET, _none,                                         (403, 403, 403, 403, 403, 403, 403, 200, 403), 302),
    # A département's export: its export token only (tests/national/test_api.py), never a session.
    "api:export": Row(GET, _last_year,                                  (403, 403, 403, 403, 403, 403, 403, 403, 403), 401),
    # API tokens: the secretariat (export tokens of its département) and the administrator.
    "national:tokens": Row(GET, _none,                                  (200, 403, 403, 403, 403, 403, 403, 403, 200), 302),
    "national:token_issue": Row(GET, _none,                             (200, 403, 403, 403, 403, 403, 403, 403, 200), 302),
    "national:token_revoke": Row(POST, _export_token,                   (302, 403, 403, 403, 403, 403, 403, 403, 302), 302),
}
# fmt: on
