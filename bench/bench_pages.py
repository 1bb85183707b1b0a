"""Benchmark: the pages of the synthetic country served as in production (issue 13).

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_country \\
        .venv/bin/python bench/bench_pages.py [--workers 4] [--clients 20] [--seconds 10] [--rounds 3]

The database is a synthetic country (``manage.py build_synthetic_country``, docs/pays-synthetique.md) built
with the test settings' keys, as ``bench/bench_indicators.py`` reads it. The script:

1. picks the largest département (most people; ``--departement CODE`` for another) and its secretariat
   account ``<code>.ddfe``, and the national analyst ``01.analyste``; gives both accounts a second factor
   (production requires one) with single-use recovery codes, one per client session, and a production
   password hash; fills the national store (``publish_national``) for the last two full years when it is
   empty (the database is a bench database: nothing else);
2. serves the application with **gunicorn** as deployed (``deploy/gunicorn.conf.py``: ``--workers``
   pre-forked sync workers, its access log and hooks; workers not recycled during the measure) and the
   **production settings** (``config.settings.prod``: DEBUG off, second factor mandatory, ATOMIC_REQUESTS,
   whitenoise), on loopback, behind no proxy (``DJANGO_SECURE_SSL_REDIRECT=false``: plain HTTP on
   loopback);
3. logs ``--clients`` sessions in through the site's own forms (password, then a recovery code), then, page
   by page, has every client load the page in a loop for ``--seconds``: the health check (``/sante/``, one
   query) requested with the session cookie (the trivial authenticated view: session, account and
   membership loaded by the middleware), the « À traiter » board, the secretariat's dashboard, the pathway
   list, a pathway's page (its landing tab, « Demande en cours », then its three other tabs), and the
   national view (as the analyst);
4. prints, per page: requests per second, p50 and p95 latency, errors, the throughput as a ratio of the
   trivial view's, and the SQL queries one request makes (counted by a second run of the same URL through
   Django's test client in this process, DEBUG-free: ``CaptureQueriesContext``). A machine shared with
   others drifts by a third within an hour: every page is measured right after the trivial view and its
   ratio taken to that neighbour; each figure is the median of ``--rounds`` passes (3 by default), the
   ratios' range printed beside it;
5. prints, per page, the CPU time one request costs the application (gunicorn's workers), PostgreSQL (its
   processes: run the bench alone on the machine) and the clients (this process), read from /proc: where a
   page's time goes, and what it shares with the trivial view.

Targets (issue 13): every page p95 under 150 ms and at least 30 % of the trivial view's throughput, at 20
concurrent clients. The clients run on the same machine as the server (they take CPU too): the figures are
those of one machine, read as ratios.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from statistics import median

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_concurrency import HOST, LOGIN_PATH, UUID, _cookies, free_port, get, measure  # noqa: E402

DEMO_PASSWORD = "Demo-Parcours-2026!"  # noqa: S105 (the synthetic country's published password)
VERIFY_PATH = "/compte/double-authentification/verifier/"


def login(port: int, user: str, recovery_code: str) -> str:
    """Password then second factor, through the site's forms; returns the Cookie header."""
    import http.client
    import urllib.parse

    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    jar: dict[str, str] = {}

    def post(path: str, fields: dict) -> tuple[int, str]:
        conn.request("GET", path, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
        resp = conn.getresponse()
        body = resp.read().decode("utf-8", "replace")
        _cookies(resp, jar)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            "Referer": f"http://{HOST}:{port}{path}",
            "Origin": f"http://{HOST}:{port}",
        }
        conn.request("POST", path, urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}), headers)
        resp = conn.getresponse()
        resp.read()
        _cookies(resp, jar)
        return resp.status, resp.getheader("Location") or ""

    status, location = post(LOGIN_PATH, {"username": user, "password": DEMO_PASSWORD})
    if status != 302 or "sessionid" not in jar:
        sys.exit(f"échec de connexion de {user} ({status})")
    status, location = post(VERIFY_PATH, {"code": recovery_code})
    conn.close()
    if status != 302 or VERIFY_PATH in location:
        sys.exit(f"second facteur refusé pour {user} ({status})")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def prepare(clients: int, code: str | None) -> dict:
    """The département, its accounts, a pathway, and recovery codes for every session (in the database)."""
    import django

    django.setup()
    from django.contrib.auth.hashers import Argon2PasswordHasher
    from django.db.models import Count
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from parcours.core.models import Departement, User
    from parcours.pathways.models import Pathway, PathwayState

    departements = Departement.objects.annotate(n=Count("people")).order_by("-n")
    departement = departements.filter(code=code).first() if code else departements.first()
    if departement is None:
        sys.exit("Aucun département dans cette base.")
    users = {"ddfe": f"{departement.code}.ddfe", "analyste": "01.analyste"}
    codes: dict[str, list[str]] = {}
    for key, username in users.items():
        user = User.objects.get(username=username)
        # The synthetic country hashes with the test settings' fast hasher, which production does not
        # accept: the bench accounts get the production hash (Argon2).
        user.password = Argon2PasswordHasher().encode(DEMO_PASSWORD, Argon2PasswordHasher().salt())
        user.save(update_fields=["password"])
        TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "banc d'essai"})
        device, _ = StaticDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "codes de secours"}
        )
        fresh = [StaticToken.random_token() for _ in range(clients)]  # 8 letters and digits
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in fresh])
        codes[key] = fresh
    pathway = (
        Pathway.objects.filter(departement=departement, state=PathwayState.ACTIVE).order_by("pk").first()
    )
    # The national view reads the store of published figures: filled for the last two full years if empty
    # (what `manage.py publish_national` writes), so that the analyst's page shows the whole country.
    from django.utils import timezone

    from parcours.national import services as national
    from parcours.national.models import Release

    if not Release.objects.exists():
        today = timezone.localdate()
        everyone = list(Departement.objects.order_by("code"))
        for year in (today.year - 2, today.year - 1):
            national.publish_local_many(departements=everyone, year=year, today=today)
    return {
        "departement": departement,
        "departements": Departement.objects.count(),
        "people": departement.n,
        "users": users,
        "codes": codes,
        "pathway": f"/parcours/{pathway.public_id}/" if pathway else None,
    }


def queries_per_page(paths: dict[str, tuple[str, str]]) -> dict[str, int]:
    """One request per page through Django's test client (production middleware, this process), its SQL
    queries counted."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from parcours.core.models import User
    from parcours.core.second_factor import OK, SESSION_STATE

    # As served: the production settings cache a dashboard page and the board until their data change
    # (stats.cache, deadlines.cache).
    settings.PARCOURS_STATS_CACHE_SECONDS = 3600
    settings.PARCOURS_BOARD_CACHE_SECONDS = 3600
    counts = {}
    for label, (username, path) in paths.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        session = client.session
        session[SESSION_STATE] = OK
        session.save()
        client.get(path)  # warm: the first request fills the per-process caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        counts[label] = len(ctx.captured_queries) if response.status_code == 200 else -response.status_code
    return counts


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


CPU_GROUPS = ("application", "database", "clients")


def cpu_seconds() -> Counter:
    """CPU time (user + system) used so far by the application's workers, PostgreSQL's processes and this
    process (the clients), read from /proc (Linux): where a page's time goes, server side or database side."""
    spent: Counter = Counter()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        ticks = int(fields[11]) + int(fields[12])  # utime, stime (after the command's name and state)
        if int(stat.parent.name) == os.getpid():
            spent["clients"] += ticks
        elif "gunicorn" in command:
            spent["application"] += ticks
        elif command.startswith("postgres") or "/bin/postgres " in command:
            spent["database"] += ticks
    return Counter({group: ticks / CLOCK_TICKS for group, ticks in spent.items()})


def start(port: int, workers: int, env: dict, log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603 (our own application)
        [str(gunicorn), "-c", str(REPO / "deploy" / "gunicorn.conf.py"), "config.wsgi"],
        cwd=REPO,
        env={
            **env,
            "PARCOURS_WORKERS": str(workers),
            "PARCOURS_BIND": f"{HOST}:{port}",
            "PARCOURS_MAX_REQUESTS": "0",  # a worker's restart is not a page's time
        },
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn s'est arrêté, voir {log}")
        try:
            if get(port, "/sante/", "")[0] == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn ne répond pas")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--rounds", type=int, default=3, help="passages (chaque page juste après la vue triviale ; médianes)"
    )
    parser.add_argument("--departement", help="code du département mesuré (défaut : le plus grand)")
    parser.add_argument(
        "--only", help="mesurer seulement les pages dont le libellé contient ce texte (et la vue triviale)"
    )
    parser.add_argument("--log", default=str(Path(tempfile.gettempdir()) / "parcours-bench-gunicorn.log"))
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("ignoré : DATABASE_URL doit nommer la base du pays synthétique (docs/pays-synthetique.md).")
        return 0
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    from config.settings import test as test_settings

    found = prepare(args.clients, args.departement)
    departement = found["departement"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "PARCOURS_FIELD_KEYS": ",".join(test_settings.PARCOURS_FIELD_KEYS),
        "PARCOURS_BLIND_INDEX_KEY": test_settings.PARCOURS_BLIND_INDEX_KEY,
        "PARCOURS_PUBLIC_URL": "https://parcours.example",
        "PARCOURS_TRUSTED_PROXY_COUNT": "0",
    }
    port = free_port()
    server = start(port, args.workers, env, Path(args.log))
    try:
        ddfe, analyst = found["users"]["ddfe"], found["users"]["analyste"]
        secretariat = [(ddfe, login(port, ddfe, code)) for code in found["codes"]["ddfe"]]
        national = [(analyst, login(port, analyst, code)) for code in found["codes"]["analyste"]]
        pathway = found["pathway"]
        if pathway is None:
            status, body = get(port, "/parcours/", secretariat[0][1])
            pathway = re.search(rf'href="(/parcours/{UUID}/)"', body).group(1)
        pages = [
            ("vue triviale (/sante/)", secretariat, "/sante/", ddfe),
            ("tableau « À traiter »", secretariat, "/", ddfe),
            ("tableau de bord", secretariat, "/tableaux-de-bord/", ddfe),
            ("liste des parcours", secretariat, "/parcours/", ddfe),
            ("page d'un parcours", secretariat, pathway, ddfe),
            # The other tabs of the file (pathways.views.TABS): read on demand, measured for the record.
            ("parcours : droits", secretariat, pathway + "droits/", ddfe),
            ("parcours : décisions", secretariat, pathway + "decisions-et-fin/", ddfe),
            ("parcours : historique", secretariat, pathway + "historique/", ddfe),
            ("vue nationale", national, "/national/", analyst),
        ]
        if args.only:
            pages = [pages[0]] + [page for page in pages[1:] if args.only in page[0]]
        print(
            f"{found['departements']} départements ; {departement.code} ({found['people']} personnes) ; "
            f"gunicorn {args.workers} workers (sync), réglages de production, PostgreSQL ; "
            f"{args.clients} clients, {args.seconds:g} s par page"
        )
        queries = queries_per_page({label: (user, path) for label, _, path, user in pages})
        # The machine drifts (the trivial view alone went from 400 to 550 req/s within an hour here): each
        # page is measured right after the trivial view, its ratio taken to that neighbour, and each figure
        # is the median of --rounds such pairs.
        results: dict[str, list[dict]] = {label: [] for label, *_ in pages}
        trivial_label, trivial_who, trivial_path, _ = pages[0]
        failed = 0
        for _round in range(args.rounds):
            for label, who, path, _ in pages[1:]:
                before = cpu_seconds()
                trivial = measure(port, trivial_who, lambda user: trivial_path, args.seconds)
                middle = cpu_seconds()
                result = measure(port, who, lambda user, path=path: path, args.seconds)
                after = cpu_seconds()
                for run, spent in ((trivial, middle - before), (result, after - middle)):
                    run["cpu"] = {group: 1000 * spent[group] / max(run["done"], 1) for group in CPU_GROUPS}
                result["ratio"] = result["rps"] / trivial["rps"]
                trivial["ratio"] = 1.0
                results[trivial_label].append(trivial)
                results[label].append(result)
                failed += trivial["failed"] + result["failed"]
        print(
            f"{'page':26} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'ratio':>6} {'requêtes':>9} "
            f"{'erreurs':>8}   (médianes de {args.rounds} passage(s) ; rapports : min–max)"
        )
        cpu_lines = []
        for label, *_ in pages:
            runs = results[label]
            errors = sum((r["errors"] for r in runs), Counter())
            ratios = [r["ratio"] for r in runs]
            print(
                f"{label:26} {median(r['rps'] for r in runs):7.1f} {median(r['p50'] for r in runs):7.0f} "
                f"{median(r['p95'] for r in runs):7.0f} {median(ratios):6.2f} {queries[label]:9d} "
                f"{sum(r['failed'] for r in runs):8d}   {min(ratios):.2f}–{max(ratios):.2f}"
                f"{' ' + str(dict(errors)) if errors else ''}"
            )
            cpu = {group: median(r["cpu"][group] for r in runs) for group in CPU_GROUPS}
            cpu_lines.append(
                f"{label:26} {cpu['application']:12.2f} {cpu['database']:12.2f} {cpu['clients']:9.2f}"
            )
        print(
            f"\ntemps processeur par requête, en ms (médianes) :\n{'page':26} {'application':>12} "
            f"{'PostgreSQL':>12} {'clients':>9}"
        )
        print("\n".join(cpu_lines))
        print("aucune erreur" if not failed else f"{failed} requêtes en erreur (objectif : zéro)")
        return 1 if failed else 0
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
