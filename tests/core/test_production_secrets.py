"""Production refuses to start with missing or short keys, or without an https public URL (finding 6)."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

from config.settings.keys import production_secret_problems

# Fixed (test-only) keys: parametrised ids must be the same in every xdist worker.
FERNET = base64.urlsafe_b64encode(bytes(range(32))).decode()
INDEX_KEY = base64.b64encode(bytes(range(100, 132))).decode()
URL = "https://parcours.example"


def test_good_production_secrets_pass():
    assert production_secret_problems([Fernet.generate_key().decode(), FERNET], INDEX_KEY, URL) == []


@pytest.mark.parametrize(
    ("field_keys", "index_key", "url", "variable"),
    [
        ([], INDEX_KEY, URL, "PARCOURS_FIELD_KEYS"),
        (["trop-courte"], INDEX_KEY, URL, "PARCOURS_FIELD_KEYS"),
        ([base64.urlsafe_b64encode(b"x" * 16).decode()], INDEX_KEY, URL, "PARCOURS_FIELD_KEYS"),
        ([FERNET, "zzz-invalide"], INDEX_KEY, URL, "PARCOURS_FIELD_KEYS"),
        ([FERNET], "", URL, "PARCOURS_BLIND_INDEX_KEY"),
        ([FERNET], "x" * 31, URL, "PARCOURS_BLIND_INDEX_KEY"),
        ([FERNET], INDEX_KEY, "", "PARCOURS_PUBLIC_URL"),
        ([FERNET], INDEX_KEY, "http://parcours.example", "PARCOURS_PUBLIC_URL"),
        ([FERNET], INDEX_KEY, "https://", "PARCOURS_PUBLIC_URL"),
    ],
    ids=lambda value: value if isinstance(value, str) and value.startswith("PARCOURS") else "",
)
def test_each_missing_or_weak_secret_is_named_in_french(field_keys, index_key, url, variable):
    problems = production_secret_problems(field_keys, index_key, url)
    assert len(problems) == 1 and variable in problems[0]
    for key in [*field_keys, index_key]:  # a key is never echoed
        assert not key or key not in problems[0]


def run_check(**overrides) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": "x" + base64.b64encode(os.urandom(48)).decode(),
        "DJANGO_ALLOWED_HOSTS": "parcours.example",
        "DATABASE_URL": "sqlite:////tmp/parcours-check-unused.sqlite3",
        "PARCOURS_FIELD_KEYS": FERNET,
        "PARCOURS_BLIND_INDEX_KEY": INDEX_KEY,
        "PARCOURS_PUBLIC_URL": URL,
        "PARCOURS_TRUSTED_PROXY_COUNT": "1",
        **overrides,
    }
    env = {name: value for name, value in env.items() if value is not None}
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_refuse_to_start_with_a_short_index_key_or_no_public_url():
    assert run_check().returncode == 0
    short = run_check(PARCOURS_BLIND_INDEX_KEY="courte")
    assert short.returncode != 0
    assert "PARCOURS_BLIND_INDEX_KEY" in short.stderr and "courte" not in short.stderr.replace(
        "trop courte", ""
    )
    missing = run_check(PARCOURS_PUBLIC_URL=None)
    assert missing.returncode != 0 and "PARCOURS_PUBLIC_URL" in missing.stderr


def test_secrets_beginning_with_a_dollar_are_taken_as_they_are():
    """django-environ read "$..." as the name of another variable, and named the rest of the secret in its
    error: production reads its secrets as they are."""
    secret = "$Secret-de-production-" + "s" * 40
    index_key = "$" + "k" * 40
    result = run_check(DJANGO_SECRET_KEY=secret, PARCOURS_BLIND_INDEX_KEY=index_key)
    assert result.returncode == 0, result.stderr[-300:]
    missing = run_check(DJANGO_SECRET_KEY=None)
    assert missing.returncode != 0 and "DJANGO_SECRET_KEY" in missing.stderr
