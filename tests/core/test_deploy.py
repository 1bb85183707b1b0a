"""The deployment recipe (deploy/, docs/exploitation.md) serves as written: gunicorn with
deploy/gunicorn.conf.py and the production settings answers the health check and the login page, serves the
static files itself (whitenoise), and its access log carries neither a query string nor an invitation token;
the systemd units start what the documentation says."""

from __future__ import annotations

import configparser
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port: int, path: str) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": "parcours.example"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("deploy")
    port = free_port()
    database = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "parcours.example",
        "DATABASE_URL": f"sqlite:///{database}",
        "PARCOURS_FIELD_KEYS": "4pH1u9cWkKJm0QpJ3m1b6J1j9d0Q1yq8kq1bW3cH0hY=",
        "PARCOURS_BLIND_INDEX_KEY": "r3bYlV6m1o5zv1vHnq8m0a2cXG8Tq6o1b0d9x7w5s4E=",
        "PARCOURS_PUBLIC_URL": "https://parcours.example",
        "PARCOURS_TRUSTED_PROXY_COUNT": "1",
        "PARCOURS_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "PARCOURS_BIND": f"127.0.0.1:{port}",
        "PARCOURS_WORKERS": "2",
    }
    for key in ("SENTRY_DSN", "CI"):
        env.pop(key, None)
    migrate = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr
    log = tmp_path / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603
        [str(gunicorn), "-c", str(DEPLOY / "gunicorn.conf.py"), "config.wsgi"],
        cwd=REPO,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()
            try:
                if fetch(port, "/sante/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.3)
        yield port, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_gunicorn_as_configured_serves_the_application_and_its_static_files(served):
    port, log = served
    assert fetch(port, "/sante/")[0] == 200
    status, body = fetch(port, "/compte/connexion/")
    assert status == 200 and b"Connexion" in body
    css = next(
        line.split('href="')[1].split('"')[0]
        for line in body.decode().splitlines()
        if 'rel="stylesheet"' in line and "parcours" in line
    )
    assert fetch(port, css)[0] == 200  # whitenoise, no separate static server


def test_the_access_log_keeps_paths_without_queries_or_tokens(served):
    port, log = served
    fetch(port, "/compte/connexion/?next=/personnes/%3Fq%3DDurandelle")
    fetch(port, "/diagnostic/invitation/jeton-tres-secret/")
    time.sleep(0.5)
    text = log.read_text()
    assert "Durandelle" not in text and "jeton-tres-secret" not in text
    lines = [json.loads(line) for line in text.splitlines() if line.startswith('{"time"')]
    paths = {line["path"] for line in lines if "path" in line}
    assert "/compte/connexion/" in paths and "/diagnostic/invitation/***/" in paths


def test_the_units_start_what_the_documentation_says():
    units = {}
    for path in (DEPLOY / "systemd").glob("*.service"):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.read(path)
        units[path.name] = parser["Service"]
    assert "gunicorn -c deploy/gunicorn.conf.py config.wsgi" in units["parcours-web.service"]["ExecStart"]
    assert units["parcours-worker.service"]["ExecStart"].endswith("manage.py db_worker")
    minute = [
        line.removeprefix("ExecStart=")
        for line in (DEPLOY / "systemd" / "parcours-minute.service").read_text().splitlines()
        if line.startswith("ExecStart=")
    ]
    assert [command.split("manage.py ")[1] for command in minute] == [
        "deliver_pending_emails",
        "requeue_stale_tasks",
        "purge_access_exports",
    ]
    seal = units["parcours-audit-seal.service"]
    assert seal["ExecStart"].endswith("manage.py seal_audit") and seal["User"] == "parcours-sceaux"
    # Retention (docs/conservation.md): the daily regimes as the application, the audit purge as the seal
    # account (owner role and seal key), never the application's.
    assert units["parcours-retention.service"]["ExecStart"].endswith("manage.py apply_retention")
    purge = units["parcours-audit-purge.service"]
    assert purge["ExecStart"].endswith("manage.py purge_audit") and purge["User"] == "parcours-sceaux"
    for name, service in units.items():
        assert service.get("NoNewPrivileges") == "yes", name
        assert service.get("ProtectSystem") == "strict", name
    documented = (REPO / "docs" / "exploitation.md").read_text()
    timers = ["parcours-minute.timer", "parcours-audit-seal.timer", "parcours-retention.timer"]
    for name in [*units, *timers, "parcours-audit-purge.timer"]:
        assert name in documented, name
