"""Benchmark: does the embedded default (SQLite) hold a small team of concurrent users?

Usage::

    .venv/bin/python bench/bench_concurrency.py [--clients 16] [--seconds 6] [--port 0] [--keep]

Builds the demo (``migrate`` then ``seed_demo``) in a temporary ``PARCOURS_VAR_DIR`` with the development
settings (the embedded default: SQLite), serves it with ``runserver --noreload`` (threaded) on loopback, logs
in ``--clients`` clients, each with its own session (half ``ddfe``, the secretariat, half ``escale``, an
association worker), then, page by page, has every client load the page in a loop for ``--seconds``:

- the login page (anonymous: the baseline, it writes nothing),
- the person list, the pathway list, a pathway page (one per user, found in the list), the board,
- the network's pages: the detections list, the directory, the dashboard (the secretariat's whole network,
  the association's own activity under statistical secrecy).

Every page that shows a person writes its audit events (one per person shown) in the request's
transaction: under concurrency, SQLite writers queue. The script prints, per page, requests per second,
p50 and p95 latency, the errors (any status >= 400, or a redirect to the login page), and the page's
throughput as a ratio of the login page's in the same run (a ratio is comparable across machines, a
request rate is not). It exits with status 1 if any request failed: the target is zero errors.

The throughput loop is modelled on ../shared/tools/loadprobe.py (standard library only), with one session
per client instead of one shared cookie.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
HOST = "127.0.0.1"
LOGIN_PATH = "/compte/connexion/"
DEMO_PASSWORD = "Demo-Parcours-2026!"  # noqa: S105 (the demo's published password, README)
USERS = ("ddfe", "escale")
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _cookies(resp, jar: dict[str, str]) -> None:
    for key, value in resp.getheaders():
        if key.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name] = rest.split(";")[0]


def login(port: int, user: str) -> str:
    """Log in through the site's own form (CSRF token from the page); returns the Cookie header."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    conn.request("GET", LOGIN_PATH)
    resp = conn.getresponse()
    body = resp.read().decode("utf-8", "replace")
    jar: dict[str, str] = {}
    _cookies(resp, jar)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": user, "password": DEMO_PASSWORD})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
        "Referer": f"http://{HOST}:{port}{LOGIN_PATH}",
        "Origin": f"http://{HOST}:{port}",
    }
    conn.request("POST", LOGIN_PATH, form, headers)
    resp = conn.getresponse()
    resp.read()
    _cookies(resp, jar)
    conn.close()
    if "sessionid" not in jar:
        sys.exit(f"échec de connexion de {user} ({resp.status})")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def get(port: int, path: str, cookie: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie})
    resp = conn.getresponse()
    body = resp.read().decode("utf-8", "replace")
    conn.close()
    return resp.status, body


def hammer(port: int, path: str, cookie: str, seconds: float, latencies: list, errors: list) -> None:
    """GET `path` in a loop on one keep-alive connection (reopened when the server closes it)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            resp = conn.getresponse()
            resp.read()
            status, location = resp.status, resp.getheader("Location") or ""
            if status >= 400 or (300 <= status < 400 and LOGIN_PATH in location):
                errors.append(status)
            if resp.getheader("Connection", "").lower() == "close" or resp.version == 10:
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
        except (OSError, http.client.HTTPException) as exc:
            errors.append(type(exc).__name__)
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            continue
        latencies.append(time.perf_counter() - t0)
    conn.close()


def measure(port: int, clients: list[tuple[str, str]], path_for, seconds: float) -> dict:
    """Every client loads its page in a loop for `seconds`; requests/s, p50, p95, errors."""
    latencies: list[float] = []
    errors: list = []
    threads = [
        threading.Thread(target=hammer, args=(port, path_for(user), cookie, seconds, latencies, errors))
        for user, cookie in clients
    ]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - t0
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 2 else [float("nan")] * 99
    return {
        "done": len(latencies),
        "rps": len(latencies) / wall,
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "errors": Counter(map(str, errors)),
        "failed": len(errors),
    }


def build_demo(var_dir: Path, env: dict) -> None:
    for command in (["migrate", "-v0"], ["seed_demo"]):
        subprocess.run(  # noqa: S603 (our own manage.py)
            [PYTHON, "manage.py", *command], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL
        )


def start_server(port: int, env: dict, log_path: Path) -> subprocess.Popen:
    log = log_path.open("w")
    server = subprocess.Popen(  # noqa: S603 (our own manage.py)
        [PYTHON, "manage.py", "runserver", f"{HOST}:{port}", "--noreload", "--skip-checks"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"le serveur s'est arrêté, voir {log_path}")
        try:
            status, _ = get(port, LOGIN_PATH, "")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("le serveur ne répond pas")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--port", type=int, default=0, help="0: un port libre")
    parser.add_argument("--keep", action="store_true", help="garder le répertoire temporaire")
    args = parser.parse_args()

    port = args.port or free_port()
    var_dir = Path(tempfile.mkdtemp(prefix="parcours-bench-"))
    env = {
        **os.environ,
        "PARCOURS_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",  # no query log kept in memory, as served for real
    }
    env.pop("DATABASE_URL", None)  # the embedded default: SQLite under PARCOURS_VAR_DIR
    server = None
    try:
        t0 = time.perf_counter()
        build_demo(var_dir, env)
        print(f"démonstration construite en {time.perf_counter() - t0:.0f} s dans {var_dir}")
        server = start_server(port, env, var_dir / "server.log")
        clients = [(USERS[i % len(USERS)], None) for i in range(args.clients)]
        clients = [(user, login(port, user)) for user, _ in clients]
        pathway_of = {}
        for user, cookie in clients:
            if user not in pathway_of:
                status, body = get(port, "/parcours/", cookie)
                found = re.search(rf'href="(/parcours/{UUID}/)"', body)
                if status != 200 or not found:
                    sys.exit(f"aucun parcours dans la liste de {user} ({status})")
                pathway_of[user] = found.group(1)

        anonymous = [("anonyme", "") for _ in clients]
        pages = [
            ("connexion (référence)", anonymous, lambda user: LOGIN_PATH),
            ("liste des personnes", clients, lambda user: "/personnes/"),
            ("liste des parcours", clients, lambda user: "/parcours/"),
            ("page d'un parcours", clients, lambda user: pathway_of[user]),
            ("tableau « À traiter »", clients, lambda user: "/"),
            ("repérages", clients, lambda user: "/reperage/"),
            ("annuaire du réseau", clients, lambda user: "/annuaire/"),
            ("tableau de bord", clients, lambda user: "/tableaux-de-bord/"),
        ]
        print(
            f"{args.clients} clients ({', '.join(USERS)}), {args.seconds:g} s par page, "
            f"SQLite : {var_dir / 'parcours.sqlite3'}"
        )
        print(f"{'page':24} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'ratio':>6} {'erreurs':>8}")
        baseline = None
        failed = 0
        for label, who, path_for in pages:
            result = measure(port, who, path_for, args.seconds)
            baseline = baseline or result["rps"]
            failed += result["failed"]
            detail = dict(result["errors"]) if result["errors"] else ""
            share = (
                f"{result['failed'] / (result['done'] + result['failed']):.0%}" if result["failed"] else ""
            )
            print(
                f"{label:24} {result['rps']:7.1f} {result['p50']:7.0f} {result['p95']:7.0f} "
                f"{result['rps'] / baseline:6.2f} {result['failed']:8d} {share} {detail}"
            )
        print("aucune erreur" if not failed else f"{failed} requêtes en erreur (objectif : zéro)")
        return 1 if failed else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if args.keep:
            print(f"répertoire gardé : {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
