"""Several application processes share nothing but PostgreSQL (docs/exploitation.md, « Plusieurs processus,
plusieurs machines »): two processes numbering decisions, queueing the same e-mails and delivering them at
the same moment give each number once, queue each e-mail once and send each once."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from parcours.outbox.models import EmailStatus, OutgoingEmail
from tests.factories import DepartementFactory

REPO = Path(__file__).resolve().parents[2]
ROUNDS = 40
pytestmark = [
    pytest.mark.django_db(transaction=True),  # the other processes read committed rows only
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="two processes on one database: PostgreSQL (CI=true)"
    ),
]

PROCESS = r"""
import json, os, sys, time
import django
django.setup()
from django.conf import settings
from django.db import transaction
settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
settings.EMAIL_FILE_PATH = os.environ["MAILDIR"]
from parcours.commission.services import _next_number
from parcours.core.models import Departement
from parcours.outbox.models import OutgoingEmail
from parcours.outbox.services import queue_email
from parcours.outbox.tasks import deliver_email, sweep

departement = Departement.objects.get(code=os.environ["DEPARTEMENT"])
start = float(os.environ["START"])
while time.time() < start:
    time.sleep(0.001)
numbers = []
for i in range(int(os.environ["ROUNDS"])):
    with transaction.atomic():  # as a decision's signature numbers it, in its transaction
        numbers.append(_next_number(departement, 2026))
    with transaction.atomic():
        queue_email(
            departement=departement,
            idempotency_key=f"echelle:{i}",
            to="secretariat@example.org",
            subject=f"Convocation {i}",
            body="Texte de la convocation.",
        )
for email in OutgoingEmail.objects.filter(idempotency_key__startswith="echelle:"):
    deliver_email.enqueue(str(email.public_id))  # each process tries to send every one
sweep()
print(json.dumps(numbers))
"""


def test_two_processes_number_queue_and_send_each_thing_once(tmp_path):
    departement = DepartementFactory()
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    maildir = tmp_path / "courriels"
    maildir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": url,
        "MAILDIR": str(maildir),
        "DEPARTEMENT": departement.code,
        "ROUNDS": str(ROUNDS),
        "START": str(time.time() + 8),  # both processes loaded, then started together
    }
    processes = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", PROCESS], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in processes]
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err.decode()[-2000:]
    drawn = [json.loads(out.decode().strip().splitlines()[-1]) for out, _ in outputs]
    assert sorted(drawn[0] + drawn[1]) == list(range(1, 2 * ROUNDS + 1))  # no number twice, none skipped
    # The two processes drew in turns (one block each would prove nothing about concurrency).
    assert not all(d == list(range(d[0], d[0] + ROUNDS)) for d in drawn), drawn

    emails = OutgoingEmail.objects.filter(idempotency_key__startswith="echelle:")
    assert emails.count() == ROUNDS
    assert set(emails.values_list("status", flat=True)) == {EmailStatus.SENT}
    sent = re.findall(r"^Message-ID: (.+)$", "".join(p.read_text() for p in maildir.iterdir()), re.M)
    assert len(sent) == ROUNDS and len(set(sent)) == ROUNDS  # each sent once
