"""Benchmark: the instructions one request of a page costs the application, counted by valgrind (issue 13).

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_country \\
        .venv/bin/python bench/bench_instructions.py [--requests 50] [PATH ...]

The throughput benchmark (bench/bench_pages.py) measures what the issue asks, but a machine shared with
others drifts by ±10 % from one pass to the next: a change worth 2 % of a page cannot be seen there. This
script counts instead the machine instructions the application executes (``valgrind --tool=callgrind``: the
same count for the same code and data, whatever else the machine does), in this process's Python, through
Django's test client with the production settings (``config.settings.prod``, keys of the test settings, as
the synthetic country was built), signed in as the largest département's secretariat (``<code>.ddfe``,
second factor passed). Each path is run twice under valgrind, with 10 and with 10 + ``--requests``
requests after the same warm-up (the objects loaded to start frozen out of the garbage collector, as
gunicorn's workers are, deploy/gunicorn.conf.py); the difference divided by ``--requests`` is the cost of
one request, the test client's included (the same for every page). PostgreSQL's work is not counted (another
process): bench_pages.py reports it.

Paths: ``/sante/`` (the trivial view), ``/`` (the board), ``/tableaux-de-bord/``, ``/parcours/`` and
``PW`` (the first active pathway of the département, as bench_pages.py measures it) by default;
``PW/droits/``, ``PW/decisions-et-fin/``, ``PW/historique/`` for the other tabs of its file. Prints the
millions of instructions per request and their ratio to the trivial view's: the ratio bench_pages.py
measures in requests per second is near it, PostgreSQL and gunicorn aside.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = ("/sante/", "/", "/tableaux-de-bord/", "/parcours/", "PW")
VALGRIND = shutil.which("valgrind") or "valgrind"

# Run in the child under valgrind: warm up, freeze, then `count` requests of `path`.
CHILD = """
import gc, os, sys
sys.path.insert(0, {repo!r})
import django
django.setup()
from django.test import Client
from parcours.core.models import User
from parcours.core.second_factor import OK, SESSION_STATE
from parcours.pathways.models import Pathway
code = {code!r}
client = Client()
client.force_login(User.objects.get(username=code + ".ddfe"))
session = client.session
session[SESSION_STATE] = OK
session.save()
path = {path!r}
if path.startswith("PW"):
    pathway = Pathway.objects.filter(departement__code=code, state="active").order_by("pk").first()
    path = f"/parcours/{{pathway.public_id}}/" + path[2:].lstrip("/")
for _ in range(15):
    assert client.get(path).status_code == 200, path
gc.collect()
gc.freeze()
for _ in range({count}):
    client.get(path)
"""


def largest_departement() -> str:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.db.models import Count

    from parcours.core.models import Departement

    return Departement.objects.annotate(n=Count("people")).order_by("-n").values_list("code", flat=True)[0]


def instructions(path: str, count: int, code: str, env: dict) -> int:
    script = CHILD.format(repo=str(REPO), code=code, path=path, count=count)
    done = subprocess.run(  # noqa: S603 (valgrind on our own interpreter)
        [VALGRIND, "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        sys.exit(f"valgrind a échoué pour {path} :\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("ignoré : DATABASE_URL doit nommer la base du pays synthétique (docs/pays-synthetique.md).")
        return 0
    if shutil.which(VALGRIND) is None:
        print("ignoré : valgrind n'est pas installé (apt-get install valgrind).")
        return 0
    code = largest_departement()
    from config.settings import test as test_settings

    env = {
        **os.environ,
        "PYTHONHASHSEED": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "PARCOURS_FIELD_KEYS": ",".join(test_settings.PARCOURS_FIELD_KEYS),
        "PARCOURS_BLIND_INDEX_KEY": test_settings.PARCOURS_BLIND_INDEX_KEY,
        "PARCOURS_PUBLIC_URL": "https://parcours.example",
        "PARCOURS_TRUSTED_PROXY_COUNT": "0",
    }
    print(f"département {code} ; {args.requests} requêtes par page sous valgrind (callgrind)")
    print(f"{'page':28} {'M instructions':>15} {'rapport':>8}")
    trivial = None
    for path in args.paths:
        counted = instructions(path, 10 + args.requests, code, env) - instructions(path, 10, code, env)
        per_request = counted / args.requests
        trivial = per_request if path == "/sante/" else trivial
        ratio = f"{trivial / per_request:8.2f}" if trivial else f"{'':8}"
        print(f"{path:28} {per_request / 1e6:15.2f} {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
