"""Fault drill (issue 15, item 4): PostgreSQL restarted while the application serves writes.

Usage (root on the machine that runs PostgreSQL; the drill restarts the server, so it is not part of the test
suite, whose other workers share that server)::

    .venv/bin/python bench/fault_postgres_restart.py [--writers 4] [--seconds 20] [--restart-after 6]

It builds the demo département in a fresh PostgreSQL database (``parcours_fault``, dropped and created again),
serves it with gunicorn (the production settings of deploy/gunicorn.conf.py, DEBUG off) and has ``--writers``
association workers add follow-up notes in a loop (the site's own form: CSRF token, POST, 302 = the note is
acknowledged), each note carrying a unique marker. After ``--restart-after`` seconds it restarts PostgreSQL
(``pg_ctlcluster … restart``, or ``service postgresql restart``) and lets the writers go on. Then it checks:

- every acknowledged note is in the database (decrypted and matched by its marker): **no acknowledged write
  lost**;
- writes succeed again after the restart with the **same** gunicorn processes (their pids unchanged): the
  application recovers without a restart;
- the failures during the restart were answered as errors (5xx or connection refused), never as a success.

Prints the counts and exits 1 on any lost write or if the application did not recover.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_concurrency import HOST, free_port, login  # noqa: E402

DATABASE = "parcours_fault"
URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", sql], check=True, capture_output=True)  # noqa: S603, S607


def restart_postgres() -> float:
    started = time.monotonic()
    clusters = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=False)  # noqa: S607
    if clusters.returncode == 0 and clusters.stdout.strip():
        version, name = clusters.stdout.split()[:2]
        subprocess.run(["pg_ctlcluster", version, name, "restart"], check=True)  # noqa: S603, S607
    else:
        subprocess.run(["service", "postgresql", "restart"], check=True)  # noqa: S607
    return time.monotonic() - started


def person_path(port: int, cookie: str) -> str:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", "/personnes/", headers={"Cookie": cookie})
    body = conn.getresponse().read().decode()
    conn.close()
    return re.search(r'href="(/personnes/[0-9a-f-]{36}/)"', body).group(1)


def writer(port: int, cookie: str, path: str, seconds: float, acknowledged: list, failures: list, tag: str):
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
        marker = f"note-{tag}-{n}"
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            page = response.read().decode("utf-8", "replace")
            if response.status != 200:
                failures.append(response.status)
                time.sleep(0.2)
                continue
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            form = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "note_form-date": time.strftime("%Y-%m-%d"),
                    "note_form-kind": "interview",
                    "note_form-text": marker,
                    "date": time.strftime("%Y-%m-%d"),
                    "kind": "interview",
                    "text": marker,
                }
            )
            conn.request(
                "POST",
                path + "notes/",
                form,
                {
                    "Cookie": cookie,
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": f"http://{HOST}:{port}{path}",
                    "Origin": f"http://{HOST}:{port}",
                },
            )
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 302:
                acknowledged.append((time.monotonic(), marker))
            else:
                failures.append(response.status)
                time.sleep(0.2)
        except (OSError, http.client.HTTPException, AttributeError) as error:
            failures.append(type(error).__name__)
            time.sleep(0.2)


def children(pid: int) -> list[int]:
    """The gunicorn workers of the arbiter `pid`."""
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)  # noqa: S603, S607
    return sorted(int(p) for p in found.stdout.split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--restart-after", type=float, default=6)
    args = parser.parse_args()

    psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    psql(f"CREATE DATABASE {DATABASE}")
    var = Path(tempfile.mkdtemp(prefix="parcours-fault-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": URL,
        "PARCOURS_VAR_DIR": str(var),
        "PARCOURS_TASKS_BACKEND": "immediate",
    }
    python = sys.executable
    for command in (["migrate", "-v0"], ["seed_demo"]):
        subprocess.run([python, "manage.py", *command], cwd=REPO, env=env, check=True, capture_output=True)  # noqa: S603
    port = free_port()
    env.update({"PARCOURS_BIND": f"{HOST}:{port}", "PARCOURS_WORKERS": "4"})
    log = var / "gunicorn.log"
    gunicorn = Path(python).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603
        [str(gunicorn), "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
        cwd=REPO,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(3)
        workers_before = children(server.pid)
        cookie = login(port, "escale")
        path = person_path(port, cookie)
        acknowledged: list = []
        failures: list = []
        threads = [
            threading.Thread(
                target=writer, args=(port, cookie, path, args.seconds, acknowledged, failures, str(i))
            )
            for i in range(args.writers)
        ]
        for thread in threads:
            thread.start()
        time.sleep(args.restart_after)
        restarted_at = time.monotonic()
        restart_seconds = restart_postgres()
        for thread in threads:
            thread.join()
        workers_after = children(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    # Every acknowledged note, read back through the application's own decryption.
    os.environ.update(
        {k: v for k, v in env.items() if k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PARCOURS_VAR_DIR")}
    )
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from parcours.people.models import FollowUpNote

    stored = set(FollowUpNote.objects.values_list("text", flat=True))
    markers = [marker for _, marker in acknowledged]
    lost = [m for m in markers if m not in stored]
    after = [m for t, m in acknowledged if t > restarted_at + restart_seconds]
    print(
        f"Redémarrage de PostgreSQL en {restart_seconds:.1f} s, après {args.restart_after:.0f} s d'écritures."
    )
    same = workers_before == workers_after
    print(
        f"Notes confirmées (302) : {len(markers)} ; retrouvées : {len(markers) - len(lost)} ; "
        f"perdues : {len(lost)}"
    )
    print(f"Écritures réussies après le redémarrage : {len(after)} (mêmes processus gunicorn : {same})")
    print(f"Échecs pendant le redémarrage : {len(failures)} {sorted(set(map(str, failures)))}")
    ok = not lost and after and workers_before == workers_after
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
