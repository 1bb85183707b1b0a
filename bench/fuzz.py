"""Fuzzing (issue 15, item 7): the REST API against its OpenAPI schema (schemathesis), and every POST form of
the application with random, malformed and hostile input, as every role, on a synthetic country of several
départements, with another département's objects as targets.

Usage::

    createdb -h 127.0.0.1 -U postgres parcours_fuzz
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_fuzz
    export DJANGO_SETTINGS_MODULE=config.settings.test
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python manage.py build_synthetic_country --departements 3 --people 300 --years 3 --replace
    .venv/bin/python bench/fuzz.py --requests 10000 [--api 1500] [--seed 1]

The database is a bench database (the requests write to it). What is counted:

- **server errors**: any 5xx, or an exception raised by a view (the test client re-raises it) — the target
  is zero;
- **object-level authorisation findings**: a request whose URL names an object of **another département**
  than the actor's (or an object of another association, for an association's roles) that answered below
  400 and wrote to a domain table (INSERT/UPDATE/DELETE seen on the connection, the audit journal, sessions
  and login bookkeeping aside), or that answered 200 to a GET — the target is zero. The multi-département
  agrément files are the one designed exception (another listed département's secretariat reads them and
  gives its opinion: docs/agrements.md); they are counted apart.

Each URL pattern that accepts POST is requested with its path filled from real object ids (own
département 60 %, another département 30 %, random 10 %) and a body built from the view's own form when it
has one (each field given a valid, empty, oversized, malformed or hostile value), else from field names met
in the application's forms; `confirmation=oui` is sent half of the time so that confirmed acts run.
Prints per-status counts, per-URL 5xx, findings, requests per second. Exit status 1 on any 5xx or finding.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import logging
import os
import random
import re
import sys
import time
import traceback
import uuid
from collections import Counter, defaultdict
from datetime import timedelta
from importlib import import_module
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django import forms  # noqa: E402
from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib import auth  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import URLPattern, URLResolver, get_resolver, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from parcours.core import second_factor  # noqa: E402
from parcours.core.access import SESSION_KEY  # noqa: E402
from parcours.core.models import Departement, Membership  # noqa: E402
from parcours.core.signals import LOGIN_AT_KEY, TOUCHED_AT_KEY  # noqa: E402

# Pages that end or change the fuzzer's own session (it would then fuzz the login page): left out, and a
# session that is lost anyway (a password changed, a membership switched) is opened again and counted.
SESSION_ENDING = ("logout", "choose_membership", "core:password_change", "second_factor")
IGNORED_WRITES = ("core_auditevent", "django_session", "axes_", "core_alert", "otp_", "django_tasks")
CROSS_DEPARTEMENT_BY_DESIGN = ("approvals.",)  # multi-département agrément files (docs/agrements.md)
HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999",
    "1e309",
    "NaN",
    "x" * 5000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\x00",
    "../../etc/passwd",
    "2026-02-30",
    "31/12/1899",
    "9999-12-31",
    "🙂" * 50,
    "javascript:alert(1)",
    "%s%s%s",
    "{{ 7*7 }}",
]


def client_for(membership: Membership) -> Client:
    client = Client()
    user = membership.user
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[auth.SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[auth.BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[auth.HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SESSION_KEY] = str(membership.public_id)
    session[second_factor.SESSION_STATE] = second_factor.OK
    session[LOGIN_AT_KEY] = session[TOUCHED_AT_KEY] = timezone.now().timestamp()
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def patterns(resolver=None, prefix="") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            found += patterns(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((f"{prefix}{entry.name}", entry))
    return found


def view_class(pattern: URLPattern):
    return getattr(pattern.callback, "view_class", None)


def accepts_post(pattern: URLPattern) -> bool:
    cls = view_class(pattern)
    return cls is not None and hasattr(cls, "post")


def departement_of(obj) -> int | None:
    """The département an object belongs to: its own column, else one hop through a foreign key."""
    if hasattr(obj, "departement_id"):
        return obj.departement_id
    for field in obj._meta.concrete_fields:
        if field.is_relation and field.many_to_one:
            related = getattr(obj, field.name, None)
            if related is not None and hasattr(related, "departement_id"):
                return related.departement_id
    return None


def association_of(obj) -> int | None:
    """The association an object belongs to, where it has one (a person, a pathway and what hangs from it)."""
    for attribute in ("association_id", "organisation_id"):
        if hasattr(obj, attribute):
            return getattr(obj, attribute)
    for field in obj._meta.concrete_fields:
        if field.is_relation and field.many_to_one and field.name in ("pathway", "person", "request"):
            related = getattr(obj, field.name, None)
            if related is not None:
                return association_of(related)
    return None


def index_objects(limit: int = 60) -> dict[int | None, list[tuple[str, uuid.UUID, int | None]]]:
    """Public ids of the application's objects, by département (up to `limit` per model and département),
    with the association each belongs to where it has one."""
    by_departement: dict[int | None, list[tuple[str, uuid.UUID, int | None]]] = defaultdict(list)
    for model in apps.get_models():
        if not model.__module__.startswith("parcours.") or "public_id" not in {
            f.name for f in model._meta.fields
        }:
            continue
        seen: Counter = Counter()
        for obj in model._base_manager.order_by("?")[: limit * 4]:
            dep = departement_of(obj)
            if seen[dep] < limit:
                seen[dep] += 1
                by_departement[dep].append((model._meta.label_lower, obj.public_id, association_of(obj)))
    return by_departement


def form_fields() -> dict[str, forms.Field]:
    """Every field name met in the application's forms, with one field of that name (its type drives the
    values generated)."""
    pool: dict[str, forms.Field] = {}
    for app in apps.get_app_configs():
        if not app.name.startswith("parcours."):
            continue
        for module_name in ("forms",):
            try:
                module = importlib.import_module(f"{app.name}.{module_name}")
            except ImportError:
                continue
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    for name, field in getattr(cls, "base_fields", {}).items():
                        pool.setdefault(name, field)
    return pool


def value_for(field: forms.Field, rng: random.Random):
    roll = rng.random()
    if roll < 0.25:
        return rng.choice(HOSTILE)
    if isinstance(field, forms.FileField):
        kind = rng.choice(["pdf", "garbage", "empty", "html"])
        content = {
            "pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
            "garbage": rng.randbytes(rng.randint(1, 4000)),
            "empty": b"",
            "html": b"<html><script>alert(1)</script></html>",
        }[kind]
        return SimpleUploadedFile(rng.choice(["piece.pdf", "a.jpg", "../x.pdf", "x" * 300]), content)
    if isinstance(field, forms.BooleanField):
        return rng.choice(["on", "", "true", "0"])
    if isinstance(field, forms.DateField):
        day = timezone.localdate() + timedelta(days=rng.randint(-4000, 4000))
        return rng.choice([day.isoformat(), day.strftime("%d/%m/%Y"), "2026-13-01", "hier"])
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return str(rng.choice([0, 1, 2, 7, 12, 100, -5, 10**12, "1,5", "abc"]))
    if isinstance(field, forms.ModelChoiceField):  # its queryset is set per request by the form: any id
        return rng.choice([str(uuid.uuid4()), "1", "0", ""])
    choices = getattr(field, "choices", None)
    if choices:
        values = [str(value) for value, _ in list(choices)[:50] if not isinstance(_, list | tuple)]
        if values:
            if isinstance(field, forms.MultipleChoiceField):
                return rng.sample(values, k=min(len(values), rng.randint(1, 3)))
            return rng.choice(values)
    if isinstance(field, forms.EmailField):
        return rng.choice(["conseil@example.org", "pas-une-adresse", "a@b"])
    return rng.choice(["Texte d'essai", "Observations fictives.", "Motif", "12", "2026"])


class Writes:
    """The domain tables a request writes to, seen on the connection."""

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        match = re.match(r'\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?([a-z_0-9]+)"?', sql, re.I)
        if match and not match.group(2).startswith(IGNORED_WRITES):
            self.tables.add(match.group(2))
        return execute(sql, params, many, context)


def fill_path(pattern: URLPattern, own, foreign, rng, association) -> tuple[dict, str, str]:
    """kwargs for the pattern, the target's scope (own / foreign / random / none) and its model."""
    kwargs, scope, model = {}, "none", ""
    converters = getattr(pattern.pattern, "converters", {})
    for name, converter in converters.items():
        kind = type(converter).__name__
        if kind == "UUIDConverter":
            roll = rng.random()
            if roll < 0.6 and own:
                model, value, owner = rng.choice(own)
                # An association's roles see their own association's people only: another association's
                # object of the same département is foreign to them.
                other_association = association is not None and owner is not None and owner != association
                scope = "foreign" if other_association else ("own" if scope in ("none", "own") else scope)
            elif roll < 0.9 and foreign:
                model, value, _ = rng.choice(foreign)
                scope = "foreign"
            else:
                value, scope = uuid.uuid4(), "random" if scope == "none" else scope
            kwargs[name] = value
        elif kind == "IntConverter":
            kwargs[name] = rng.choice([0, 1, 2, 2026, 10**9])
        else:
            kwargs[name] = rng.choice(["2026", "2025", "x", "oui", "csv", "a" * 80])
    return kwargs, scope, model


def fuzz_forms(total: int, rng: random.Random, departement: Departement) -> dict:
    memberships = list(
        Membership.objects.filter(organisation__departement=departement, active=True).select_related("user")
    )
    clients = {m.pk: client_for(m) for m in memberships}
    from parcours.core.access import Actor
    from parcours.core.policies import can

    def allowed(membership, pattern) -> bool:
        permission = getattr(view_class(pattern), "permission", "")
        return not permission or can(Actor(user=membership.user, membership=membership), permission)

    objects = index_objects()
    own = objects.get(departement.pk, [])
    foreign = [o for dep, items in objects.items() if dep not in (departement.pk, None) for o in items]
    pool = form_fields()
    kept = [(name, p) for name, p in patterns() if not name.startswith(SESSION_ENDING)]
    targets = [(name, p) for name, p in kept if accepts_post(p)]
    gets = [(name, p) for name, p in kept if view_class(p) is not None]
    login_url = reverse("login")
    sessions_lost = 0
    allowed_for = {
        (m.pk, method): [(n, p) for n, p in (targets if method == "post" else gets) if allowed(m, p)]
        for m in memberships
        for method in ("post", "get")
    }
    statuses: Counter = Counter()
    forbidden: Counter = Counter()
    errors: Counter = Counter()
    findings: list[str] = []
    by_design: Counter = Counter()
    started = time.monotonic()
    by_role: dict[str, list[Membership]] = defaultdict(list)
    for m in memberships:
        by_role[m.role].append(m)
    roles = sorted(by_role)
    for n in range(total):
        membership = rng.choice(by_role[rng.choice(roles)])  # every role as often (not every member)
        client = clients[membership.pk]
        method = "post" if rng.random() < 0.8 else "get"
        candidates = targets if method == "post" else gets
        # Mostly what the role may do (to reach the forms and the services), sometimes anything (refusals).
        if rng.random() < 0.85:
            candidates = allowed_for[(membership.pk, method)] or candidates
        name, pattern = rng.choice(candidates)
        association = membership.organisation_id if membership.role.startswith("association") else None
        kwargs, scope, model = fill_path(pattern, own, foreign, rng, association)
        try:
            url = reverse(name, kwargs=kwargs)
        except Exception:  # noqa: BLE001, S112 (a converter refused the value: draw another request)
            continue
        data: dict = {}
        cls = view_class(pattern)
        form_class = getattr(cls, "form_class", None)
        fields = dict(getattr(form_class, "base_fields", {}) or {})
        if not fields:
            fields = dict(rng.sample(sorted(pool.items()), k=min(len(pool), rng.randint(1, 6))))
        for field_name, field in fields.items():
            if rng.random() < 0.9:
                data[field_name] = value_for(field, rng)
        if rng.random() < 0.5:
            data["confirmation"] = "oui"
        writes = Writes()
        try:
            with connection.execute_wrapper(writes):
                response = getattr(client, method)(url, data if method == "post" else None)
            status = response.status_code
            if status == 302 and response.get("Location", "").startswith(login_url):
                sessions_lost += 1
                clients[membership.pk] = client_for(membership)
        except Exception as error:  # noqa: BLE001 (a view that raised: a 500 in production)
            status = 500
            frame = traceback.extract_tb(error.__traceback__)[-1]
            errors[f"{name} {type(error).__name__} ({Path(frame.filename).name}:{frame.lineno})"] += 1
        statuses[status] += 1
        if status == 403 and os.environ.get("FUZZ_DEBUG"):
            forbidden[f"{membership.role} {name}"] += 1
        if status >= 500 and status != 507:
            errors.setdefault(f"{name} HTTP {status}", 0)
            errors[f"{name} HTTP {status}"] += 1
        if scope == "foreign" and status < 400 and (writes.tables or method == "get" and status == 200):
            written = sorted(writes.tables)
            line = f"{membership.role} {method.upper()} {name} ({model}) → {status}, écrit : {written}"
            if model.startswith(CROSS_DEPARTEMENT_BY_DESIGN):
                by_design[line] += 1
            else:
                findings.append(line)
        if os.environ.get("FUZZ_DEBUG") and n + 1 == total:
            print(forbidden.most_common(15))
        if (n + 1) % 1000 == 0:
            print(f"  {n + 1} requêtes…", flush=True)
    elapsed = time.monotonic() - started
    return {
        "requests": sum(statuses.values()),
        "statuses": statuses,
        "errors": errors,
        "findings": findings,
        "by_design": by_design,
        "seconds": elapsed,
        "urls": len(targets),
        "sessions_lost": sessions_lost,
    }


def fuzz_api(examples: int, departement: Departement) -> dict:
    """schemathesis over every operation of /api/v1/, with a national and an export token, and without."""
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings

    from config.wsgi import application
    from parcours.national.services import issue_token

    analyst = Membership.objects.filter(role="national_analyst", active=True).first()
    _, national = issue_token(kind="national_read", name="fuzz", membership=analyst)
    _, export = issue_token(kind="export", name="fuzz", departement=departement)
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/", application, headers={"Authorization": f"Token {national}"}
    )
    statuses: Counter = Counter()
    errors: Counter = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    per_operation = max(1, examples // max(1, len(operations) * 3))

    def check(operation, headers):
        @given(case=operation.as_strategy())
        @hsettings(
            max_examples=per_operation,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case):
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                errors[f"{operation.method.upper()} {operation.path}"] += 1

        run()

    for operation in operations:
        for token in (national, export, None):
            check(operation, {"Authorization": f"Token {token}"} if token else {})
    return {
        "requests": sum(statuses.values()),
        "statuses": statuses,
        "errors": errors,
        "operations": len(operations),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10000, help="requêtes sur les formulaires")
    parser.add_argument("--api", type=int, default=1500, help="requêtes sur l'API (environ)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    settings.PARCOURS_STATS_CACHE_SECONDS = settings.PARCOURS_BOARD_CACHE_SECONDS = 0
    settings.ALLOWED_HOSTS = ["*"]
    logging.disable(logging.CRITICAL)  # every 403/404 would print its traceback
    departements = list(Departement.objects.order_by("code"))
    if len(departements) < 2:
        sys.exit("Il faut au moins deux départements (build_synthetic_country --departements 3).")
    departement = departements[0]
    rng = random.Random(args.seed)
    print(
        f"Formulaires : {args.requests} requêtes, département {departement.code}, "
        "cibles des autres départements"
    )
    forms_result = fuzz_forms(args.requests, rng, departement)
    print(f"API : environ {args.api} requêtes")
    api_result = fuzz_api(args.api, departement)
    total = forms_result["requests"] + api_result["requests"]
    print(
        f"\nFormulaires : {forms_result['requests']} requêtes sur {forms_result['urls']} URL POST, "
        f"{forms_result['requests'] / forms_result['seconds']:.0f} req/s"
    )
    print("  statuts :", dict(sorted(forms_result["statuses"].items())))
    print(f"  sessions perdues puis rouvertes : {forms_result['sessions_lost']}")
    print(f"API : {api_result['requests']} requêtes sur {api_result['operations']} opérations")
    print("  statuts :", dict(sorted(api_result["statuses"].items())))
    server_errors = forms_result["errors"] + api_result["errors"]
    print(
        f"\nTotal : {total} requêtes ; erreurs serveur : {sum(server_errors.values())} ; "
        f"constats d'autorisation : {len(forms_result['findings'])}"
    )
    for line, count in server_errors.most_common():
        print(f"  5xx {count} × {line}")
    for line in sorted(set(forms_result["findings"])):
        print(f"  CONSTAT {line}")
    for line, count in forms_result["by_design"].most_common(10):
        print(f"  (voulu : agrément multi-département) {count} × {line}")
    return 1 if server_errors or forms_result["findings"] else 0


if __name__ == "__main__":
    sys.exit(main())
