# ruff: noqa: E501 (the EXPECTED table keeps one aligned column per role)
"""The authorisation matrix, tested over HTTP: every URL of the resolver, every role, and anonymous.

EXPECTED is the reviewable table: one row per URL name, one column per role (ROLE_COLUMNS order), then the
anonymous visitor. A URL of the resolver missing from the table fails the suite. Each row also says how to
build the objects it needs (in scope: the département 99, the association "L'Escale"), so that a role with the
permission gets the page (200) or the action's redirect (302), and a role without it gets 403.

Objects are built per test (function scope): for an action (POST), one test per role, so that an action that
succeeds cannot leak into the next case; a page (GET) is read by every role in one test.
"""

from __future__ import annotations

import io
import uuid

import pytest
from django.contrib.messages import constants, get_messages
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parcours.core.models import OrganisationKind
from parcours.core.roles import Role
from parcours.pathways.models import DocumentKind
from parcours.people.models import ConsentPurpose
from tests.conftest import client_for, pdf_upload
from tests.factories import DepartementFactory, OrganisationFactory, make_actor
from tests.matrix_rows.base import (  # noqa: F401 (used by the rows below)
    AD,
    AM,
    ANONYMOUS,
    AW,
    CM,
    GET,
    IM,
    LOGIN_PATH,
    NA,
    PA,
    POST,
    ROLE_COLUMNS,
    SG,
    Row,
    S,
    _date,
    _none,
    _person,
    all_app_rows,
)
from tests.views.helpers import World, assert_unchanged, db_snapshot, fast_static

pytestmark = pytest.mark.django_db


# fmt: off
#                                                                         S    SG   AW   AM   CM   PA   IM   NA   AD    anon
EXPECTED: dict[str, Row] = {
    # « / »: the board; the national analyst lands on its statistics page (302 there).
    "home": Row(GET, _none,                                             (200, 200, 200, 200, 200, 200, 200, 302, 200), 302),
    "login": Row(GET, _none,                                            (302, 302, 302, 302, 302, 302, 302, 302, 302), 200),
    "logout": Row(POST, _none,                                          (302, 302, 302, 302, 302, 302, 302, 302, 302), 302),
    # The health check: no authentication, no data.
    "health": Row(GET, _none,                                           (200, 200, 200, 200, 200, 200, 200, 200, 200), 200),
    "choose_membership": Row(GET, _none,                                (200, 200, 200, 200, 200, 200, 200, 200, 200), 302),
    # Administration: the administrator only, never a person's file.
    "core:organisations": Row(GET, _none,                               (403, 403, 403, 403, 403, 403, 403, 403, 200), 302),
    "core:organisation_create": Row(GET, _none,                         (403, 403, 403, 403, 403, 403, 403, 403, 200), 302),
    "core:organisation_edit": Row(GET, lambda w: ({"pk": w.actors[S].organisation.public_id}, None),
                                                                        (403, 403, 403, 403, 403, 403, 403, 403, 200), 302),
    "core:users": Row(GET, _none,                                       (403, 403, 403, 403, 403, 403, 403, 403, 200), 302),
    "core:user_create": Row(GET, _none,                                 (403, 403, 403, 403, 403, 403, 403, 403, 200), 302),
    "core:user_detail": Row(GET, lambda w: ({"pk": w.worker.user.public_id}, None),
                                                                        (403, 403, 403, 403, 403, 403, 403, 403, 200), 302),
    "core:membership_add": Row(POST, lambda w: (
        {"pk": w.actors[CM].user.public_id},
        {"m-organisation": w.actors[S].organisation.pk, "m-role": CM.value, "m-active": "on"}),
                                                                        (403, 403, 403, 403, 403, 403, 403, 403, 302), 302),
    "core:membership_toggle": Row(POST, lambda w: ({"pk": w.actors[CM].membership.public_id}, {}),
                                                                        (403, 403, 403, 403, 403, 403, 403, 403, 302), 302),
    # Secretariat's tools.
    "core:audit": Row(GET, _none,                                       (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "core:alert_ack": Row(POST, lambda w: ({"pk": w.alert.public_id}, {}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    # People: the association that accompanies them, the secretariat, a partner they were shared with.
    "people:list": Row(GET, _none,                                      (200, 403, 200, 200, 403, 200, 403, 403, 403), 302),
    "people:create": Row(GET, _none,                                    (403, 403, 200, 200, 403, 403, 403, 403, 403), 302),
    "people:detail": Row(GET, _person,                                  (200, 403, 200, 200, 403, 200, 403, 403, 403), 302),
    "people:edit": Row(GET, _person,                                    (403, 403, 200, 200, 403, 403, 403, 403, 403), 302),
    "people:note_add": Row(POST, lambda w: (
        {"pk": w.person.public_id}, {"date": _date(w.today), "kind": "interview", "text": "Entretien de suivi"}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "people:alias_add": Row(POST, lambda w: ({"pk": w.person.public_id}, {"kind": "alias", "name": "Zora"}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "people:consent_add": Row(POST, lambda w: (
        {"pk": w.person.public_id}, {"purpose": ConsentPurpose.PSP_REQUEST.value, "given_on": _date(w.today)}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "people:share_add": Row(POST, lambda w: (
        {"pk": w.person.public_id}, {"partner": w.cm_partner.public_id, "reason": "Suivi judiciaire"}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "people:consent_withdraw": Row(POST, lambda w: (
        {"pk": w.consent_to_withdraw.public_id}, {"withdrawn_on": _date(w.today), "confirmation": "oui"}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "people:share_end": Row(POST, lambda w: ({"pk": w.share.public_id}, {}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    # Pathways: the association, the secretariat, the signatory for dossiers awaiting or holding a decision.
    "pathways:list": Row(GET, _none,                                    (200, 200, 200, 200, 403, 403, 403, 403, 403), 302),
    "pathways:permits": Row(GET, _none,                                 (403, 403, 403, 403, 403, 403, 200, 403, 403), 302),
    "pathways:permit_edit": Row(GET, lambda w: ({"pk": w.active_pathway.residence_permit.public_id}, None),
                                                                        (200, 403, 403, 403, 403, 403, 200, 403, 403), 302),
    "pathways:start": Row(POST, lambda w: ({"pk": w.person.public_id}, {}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "pathways:detail": Row(GET, lambda w: ({"pk": w.active_pathway.public_id}, None),
                                                                        (200, 200, 200, 200, 403, 403, 403, 403, 403), 302),
    "pathways:detail_rights": Row(GET, lambda w: ({"pk": w.active_pathway.public_id}, None),
                                                                        (200, 200, 200, 200, 403, 403, 403, 403, 403), 302),
    "pathways:detail_decisions": Row(GET, lambda w: ({"pk": w.active_pathway.public_id}, None),
                                                                        (200, 200, 200, 200, 403, 403, 403, 403, 403), 302),
    "pathways:detail_history": Row(GET, lambda w: ({"pk": w.active_pathway.public_id}, None),
                                                                        (200, 200, 200, 200, 403, 403, 403, 403, 403), 302),
    "pathways:request_edit": Row(GET, lambda w: ({"pk": w.draft_pathway.public_id}, None),
                                                                        (403, 403, 200, 200, 403, 403, 403, 403, 403), 302),
    "pathways:objective_add": Row(POST, lambda w: (
        {"pk": w.draft_pathway.public_id},
        {"domain": "health", "objective": "Ouvrir les droits à l'assurance maladie", "actions": "", "target_date": ""}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "pathways:objective_remove": Row(POST, lambda w: (
        {"pk": w.draft_pathway.public_id, "objective": w.draft_request.objectives.first().public_id}, {}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "pathways:document_add": Row(POST, lambda w: (
        {"pk": w.draft_pathway.public_id}, {"kind": DocumentKind.OTHER.value, "file": pdf_upload()}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "pathways:document_download": Row(GET, lambda w: (
        {"pk": w.active_pathway.public_id, "document": w.active_document.public_id}, None),
                                                                        (200, 200, 200, 200, 403, 403, 403, 403, 403), 302),
    "pathways:document_remove": Row(POST, lambda w: (
        {"pk": w.draft_pathway.public_id, "document": w.draft_request.documents.first().public_id}, {}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "pathways:submit": Row(POST, lambda w: ({"pk": w.draft_pathway.public_id}, {}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "pathways:return_incomplete": Row(POST, lambda w: (
        {"pk": w.submitted_pathway.public_id}, {"missing": [DocumentKind.IDENTITY.label], "comment": ""}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "pathways:mark_ready": Row(POST, lambda w: ({"pk": w.submitted_pathway.public_id}, {}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "pathways:opinion": Row(POST, lambda w: (
        {"pk": w.ready_pathway.public_id}, {"opinion": "favourable", "day": _date(w.today), "motive": "Projet cohérent"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "pathways:decision": Row(POST, lambda w: (
        {"pk": w.reviewed_pathway.public_id},
        {"decision": "authorised", "day": _date(w.today), "reference": "ARR-2026-7", "period_start": "",
         "motive": "", "divergence_motive": ""}),
                                                                        (302, 302, 403, 403, 403, 403, 403, 403, 403), 302),
    "pathways:renewal": Row(POST, lambda w: ({"pk": w.active_pathway.public_id}, {}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "pathways:end": Row(POST, lambda w: (
        {"pk": w.active_pathway.public_id}, {"reason": "withdrawn", "day": _date(w.today), "outcome": "", "motive": "", "confirmation": "oui"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "pathways:afis_grant": Row(POST, lambda w: (
        {"pk": w.active_pathway.public_id},
        {"granted_on": _date(w.today), "start": _date(w.today), "dependent_children": 1, "paying_body": "MSA"}),
                                                                        (302, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "pathways:afis_stop": Row(POST, lambda w: (
        {"pk": w.granted_afis.pathway.public_id}, {"day": _date(w.today), "motive": "Reprise d'emploi", "cause": "request"}),
                                                                        (302, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "pathways:step_add": Row(POST, lambda w: (
        {"pk": w.active_pathway.public_id},
        {"domain": "housing", "description": "Dossier SIAO", "status": "planned", "started_on": "", "due_on": "",
         "completed_on": ""}),
                                                                        (302, 403, 302, 302, 403, 403, 403, 403, 403), 302),
}
# fmt: on
EXPECTED.update(all_app_rows())


# --- The resolver ---------------------------------------------------------------------------------------


def _is_django_admin(resolver: URLResolver) -> bool:
    return resolver.namespace == "admin" or getattr(resolver.urlconf_module, "__name__", "").startswith(
        "django.contrib.admin"
    )


def resolver_urls(resolver=None, namespace: str = "", prefix: str = ""):
    """(full name, route, callback) of every URL pattern, recursively through includes."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if _is_django_admin(pattern):
                continue
            inner = ":".join(x for x in (namespace, pattern.namespace or "") if x)
            yield from resolver_urls(pattern, inner, route)
        elif isinstance(pattern, URLPattern):
            module = getattr(pattern.callback, "__module__", "")
            if module.startswith(("django.views.static", "django.contrib.staticfiles")):
                continue
            name = (
                f"{namespace}:{pattern.name}"
                if namespace and pattern.name
                else (pattern.name or f"<sans nom> {route}")
            )
            yield name, route, pattern.callback


ROUTES = {name: route for name, route, _ in resolver_urls()}


def _names_an_object(name: str) -> bool:
    return "<" in ROUTES.get(name, "")


def _scoped(name: str) -> bool:
    """Names an object found through the actor's scope. An invitation link (`<str:token>`) is itself the
    credential: whoever holds it answers for its structure, so it has no scope to step out of. An indicator's
    code (`<str:code>`) names a definition, the same in every département: the figures shown are always the
    actor's own (tests/stats/test_dashboard_views.py)."""
    route = ROUTES.get(name, "")
    return _names_an_object(name) and "<str:token>" not in route and "<str:code>" not in route


def test_every_url_is_in_the_matrix():
    names = [name for name, _, _ in resolver_urls()]
    missing = sorted(set(names) - set(EXPECTED))
    assert not missing, "URL absente de la matrice : " + ", ".join(missing)
    stale = sorted(set(EXPECTED) - set(names))
    assert not stale, "Entrée de la matrice sans URL : " + ", ".join(stale)
    duplicated = sorted({n for n in names if names.count(n) > 1})
    assert not duplicated, f"Nom d'URL en double : {duplicated}"


def test_django_admin_site_is_not_mounted():
    """The Django admin would bypass the matrix (and show people's files): it must stay unmounted."""
    mounted = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and _is_django_admin(p)]
    assert not mounted


def _view_class(callback):
    return getattr(callback, "view_class", None)


def _accepts_get(callback) -> bool:
    cls = _view_class(callback)
    return cls is None or ("get" in cls.http_method_names and hasattr(cls, "get"))


def test_matrix_methods_match_the_views():
    """A row says POST exactly when its view has no GET handler (POST-only action)."""
    for name, _, callback in resolver_urls():
        row = EXPECTED.get(name)
        if row is not None:
            assert (row.method == GET) == _accepts_get(callback), name


# --- Per (url, role) ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _cheap_pdf(monkeypatch):
    """The matrix checks who may reach what, not what a PDF says (tests/documents and tests/commission
    check that with the real renderer): a one-page blank PDF stands in for WeasyPrint here."""
    from pypdf import PdfWriter

    def blank_pdf(html: str) -> bytes:
        writer, buffer = PdfWriter(), io.BytesIO()
        writer.add_blank_page(width=595, height=842)
        writer.write(buffer)
        return buffer.getvalue()

    monkeypatch.setattr("parcours.documents.pdf.html_to_pdf", blank_pdf)


@pytest.fixture(autouse=True)
def _fast_static(settings):
    fast_static(settings)


@pytest.fixture
def world(departement, association, other_association, actors):
    return World(departement, association, other_association, actors)


def _call(client, name: str, row: Row, built):
    kwargs, data = built
    url = reverse(name, kwargs=kwargs or None)
    if row.method == GET:
        return client.get(url)
    return client.post(url, data or {})


ALL_ROLES = (*[r.value for r in ROLE_COLUMNS], ANONYMOUS)


def _refused(row: Row, role: str) -> bool:
    return role == ANONYMOUS or row.status_for(role) == 403


# An action (POST) a role may take is tried once per role, each on objects of its own: one that succeeds
# cannot leak into the next. The roles an action refuses (403, or the login page for an anonymous visitor)
# change nothing: they are tried together, and the database is checked unchanged. A page (GET) changes
# nothing a status depends on: every role reads it in one test, on one world.
CASES = [
    (name, role)
    for name, row in EXPECTED.items()
    if row.method == POST
    for role in ALL_ROLES
    if not _refused(row, role)
]
GET_ROWS = [name for name, row in EXPECTED.items() if row.method == GET]
POST_ROWS = [name for name, row in EXPECTED.items() if row.method == POST]


@pytest.mark.parametrize("name", POST_ROWS)
def test_matrix_action_refused(name, world, actors, client):
    row = EXPECTED[name]
    built = row.build(world)
    before = db_snapshot()
    failures = []
    for role in (r for r in ALL_ROLES if _refused(row, r)):
        try:
            _check(name, role, row, built, client if role == ANONYMOUS else client_for(actors[role]))
        except AssertionError as exc:
            failures.append(str(exc) or f"{name} pour {role}")
    assert not failures, "\n".join(failures)
    assert_unchanged(before)


@pytest.mark.parametrize("name", GET_ROWS)
def test_matrix_page(name, world, actors, client):
    row = EXPECTED[name]
    built = row.build(world)  # once: every role reads the same page
    failures = []
    for role in ALL_ROLES:
        try:
            _check(name, role, row, built, client if role == ANONYMOUS else client_for(actors[role]))
        except AssertionError as exc:
            failures.append(str(exc) or f"{name} pour {role}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_matrix(name, role, world, actors, client):
    row = EXPECTED[name]
    _check(name, role, row, row.build(world), client if role == ANONYMOUS else client_for(actors[role]))


def _check(name: str, role: str, row: Row, built, client) -> None:
    response = _call(client, name, row, built)
    expected = row.status_for(role)
    assert response.status_code == expected, (
        f"{name} ({row.method}) pour {role} : {response.status_code} au lieu de {expected}"
    )
    if role == ANONYMOUS and expected == 302:
        assert response["Location"].startswith(LOGIN_PATH), response["Location"]
    if role != ANONYMOUS:
        assert response["Cache-Control"] == "no-store", f"{name} pour {role} : mis en cache"
    if expected == 403:
        assert "Accès refusé" in response.content.decode(), f"{name} pour {role} : page 403 sans message"
    if role != ANONYMOUS and row.method == POST and expected == 302 and name != "logout":
        # The row's objects and data make the action succeed: no error message came back.
        queued = list(get_messages(response.wsgi_request))
        errors = [str(m) for m in queued if m.level >= constants.ERROR]
        assert not errors, f"{name} pour {role} : {errors}"
        assert any(m.level == constants.SUCCESS for m in queued), (
            f"{name} pour {role} : aucun message de succès"
        )


POST_ONLY = [name for name, row in EXPECTED.items() if row.method == POST]


@pytest.mark.parametrize("name", POST_ONLY)
def test_get_on_post_only_view_answers_405(name, world, actors):
    """GET on an action, by a role allowed to POST it: 405, and nothing happens."""
    row = EXPECTED[name]
    role = next(r for r in ROLE_COLUMNS if row.status_for(r) != 403)
    client = client_for(actors[role])
    kwargs, _ = row.build(world)
    before = db_snapshot()
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 405
    assert_unchanged(before)


# --- Out of scope: 404, never 403 ----------------------------------------------------------------------


@pytest.fixture
def outsiders(other_association):
    """Same roles, other scope: a worker of another association; secretariat and admin of département 98."""
    dep98 = DepartementFactory(code="98", name="Autre département")
    prefecture98 = OrganisationFactory(
        departement=dep98, kind=OrganisationKind.PREFECTURE, name="Préfecture 98"
    )
    return {
        "autre_association": make_actor(Role.ASSOCIATION_WORKER, other_association),
        "autre_association_responsable": make_actor(Role.ASSOCIATION_MANAGER, other_association),
        "secretariat_98": make_actor(Role.SECRETARIAT, prefecture98),
        "signataire_98": make_actor(Role.SIGNATORY, prefecture98),
        "service_etrangers_98": make_actor(Role.IMMIGRATION, departement=dep98),
        "admin_98": make_actor(Role.ADMIN, prefecture98),
    }


OUTSIDER_ROLES = {
    "autre_association": AW,
    "autre_association_responsable": AM,
    "secretariat_98": S,
    "signataire_98": SG,
    "service_etrangers_98": IM,
    "admin_98": AD,
}
# Rows that name an object, for a role that holds the permission: out of scope must answer 404.
SCOPED_CASES = [
    (name, outsider)
    for name, row in EXPECTED.items()
    for outsider, role in OUTSIDER_ROLES.items()
    if _scoped(name) and row.status_for(role) != 403
]


def test_scoped_cases_cover_people_pathways_and_documents():
    names = {name for name, _ in SCOPED_CASES}
    for required in (
        "people:detail",
        "pathways:detail",
        "pathways:document_download",
        "pathways:permit_edit",
        "core:user_detail",
    ):
        assert required in names


@pytest.mark.parametrize(("name", "outsider"), SCOPED_CASES, ids=[f"{n}-{o}" for n, o in SCOPED_CASES])
def test_out_of_scope_answers_404(name, outsider, world, outsiders):
    row = EXPECTED[name]
    client = client_for(outsiders[outsider])
    kwargs, data = row.build(world)
    url = reverse(name, kwargs=kwargs)
    before = db_snapshot()
    response = client.get(url) if row.method == GET else client.post(url, data or {})
    assert response.status_code == 404, f"{name} pour {outsider} : {response.status_code} au lieu de 404"
    assert_unchanged(before)


# A URL no session may read (the API's export, read with a département's export token: tests/national) has no
# allowed role to try here.
@pytest.mark.parametrize(
    "name",
    [
        n
        for n in EXPECTED
        if _names_an_object(n) and any(EXPECTED[n].status_for(r) != 403 for r in ROLE_COLUMNS)
    ],
)
def test_unknown_id_answers_404_for_an_allowed_role(name, world, actors):
    """A random uuid in the URL: 404 for a role that holds the permission (never 500, never 403)."""
    row = EXPECTED[name]
    role = next(r for r in ROLE_COLUMNS if row.status_for(r) != 403)
    client = client_for(actors[role])
    kwargs, data = row.build(world)
    url = reverse(name, kwargs={key: uuid.uuid4() for key in kwargs})
    response = client.get(url) if row.method == GET else client.post(url, data or {})
    assert response.status_code == 404
