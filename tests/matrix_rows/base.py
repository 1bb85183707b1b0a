"""What every row of the authorisation matrix is made of (see tests/test_authorization_matrix.py).

Each app with URLs beyond the foundation keeps its rows in its own module of this package, as
`ROWS: dict[str, Row]`; the matrix test merges them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from parcours.core.roles import Role
from tests.views.helpers import World

S, SG, AW, AM = Role.SECRETARIAT, Role.SIGNATORY, Role.ASSOCIATION_WORKER, Role.ASSOCIATION_MANAGER
CM, PA, IM, NA, AD = (
    Role.COMMISSION_MEMBER,
    Role.PARTNER_ADVISOR,
    Role.IMMIGRATION,
    Role.NATIONAL_ANALYST,
    Role.ADMIN,
)
ROLE_COLUMNS = (S, SG, AW, AM, CM, PA, IM, NA, AD)
ANONYMOUS = "anonymous"

# Login page, where an anonymous visitor is sent for every other URL.
LOGIN_PATH = "/compte/connexion/"


def _none(w):
    return {}, None


def _person(w):
    return {"pk": w.person.public_id}, None


def _date(d):
    return d.isoformat()


@dataclass(frozen=True)
class Row:
    method: str
    build: Callable[[World], tuple[dict, dict | None]]
    statuses: tuple[int, ...]  # one per ROLE_COLUMNS
    anonymous: int  # 302 (to the login page) everywhere but on the login page itself

    def status_for(self, role: str) -> int:
        return self.anonymous if role == ANONYMOUS else self.statuses[ROLE_COLUMNS.index(role)]


GET, POST = "GET", "POST"


def all_app_rows() -> dict[str, Row]:
    """The rows of every module of this package but this one."""
    import importlib
    import pkgutil

    import tests.matrix_rows as package

    rows: dict[str, Row] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name == "base":
            continue
        module_rows = importlib.import_module(f"{package.__name__}.{info.name}").ROWS
        clash = set(rows) & set(module_rows)
        assert not clash, f"URL dans deux modules de la matrice : {clash}"
        rows.update(module_rows)
    return rows
