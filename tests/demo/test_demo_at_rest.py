"""What `make run` builds holds no name in clear: `migrate` then `seed_demo` into a fresh PARCOURS_VAR_DIR
with the development settings (keys generated under var/keys, SQLite file, private files, e-mail store),
then every file of var/ is scanned for every demo person's first and last name (case and accents folded).

The demo uploads an identity PDF bearing each person's name and signs decisions with their letters, so the
scan looks at what matters (checked below by decrypting with the demo's own keys)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from pypdf import PdfReader

from parcours.core.storage import MAGIC
from parcours.demo.generator import ACCOUNTS, FIRST_NAMES, LAST_NAMES
from tests.at_rest import files_under, fold, needles_of, scan_paths, unsealed_files

NEEDLES = needles_of(FIRST_NAMES + LAST_NAMES)


def manage(var: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARCOURS_", "DATABASE_URL", "DJANGO_"))}
    env.update(PARCOURS_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="config.settings.dev")
    result = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def var(tmp_path_factory) -> Path:
    var = tmp_path_factory.mktemp("demo-var")
    manage(var, "migrate", "--verbosity", "0")
    manage(var, "seed_demo")
    return var


def unseal_with_demo_keys(var: Path, raw: bytes) -> bytes:
    import base64

    keys = [k for k in (var / "keys" / "field_keys").read_text().split() if k]
    token = base64.urlsafe_b64encode(raw[len(MAGIC) :])
    return MultiFernet([Fernet(k) for k in keys]).decrypt(token)


def test_no_demo_name_collides_with_a_staff_account():
    """Staff names are not encrypted (they are the users of the tool): a person sharing one would make the
    scan below report a staff row."""
    staff = needles_of([part for _, first, last, _, _ in ACCOUNTS for part in (first, last)])
    assert NEEDLES.isdisjoint(staff)


def test_the_demo_stores_identity_documents_and_signed_decisions(var):
    private = var / "private"
    texts = []
    for path in files_under(private / "documents"):
        plain = unseal_with_demo_keys(var, path.read_bytes())
        if plain.startswith(b"%PDF") and len(plain) > 1000:
            texts.append(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(plain)).pages))
    identity = [t for t in texts if "spécimen fictif" in t]
    decisions = [t for t in texts if "Décision n°" in t or "ARRÊTE" in t.upper()]
    assert len(identity) >= 10, "one identity PDF per person with a request"
    assert any(fold(name) in fold(t) for t in identity for name in LAST_NAMES)
    assert decisions, "signed decisions and their letters are frozen PDFs"
    assert any(fold(name) in fold(t) for t in decisions for name in LAST_NAMES)


def test_nothing_under_var_names_a_demo_person(var):
    files = files_under(var)
    assert any(p.name == "parcours.sqlite3" for p in files)
    assert unsealed_files(var / "private") == []
    assert files_under(var / "courriels") and unsealed_files(var / "courriels") == []
    assert scan_paths(files, NEEDLES) == {}


def test_the_scan_reports_a_name_left_in_clear(var, tmp_path):
    control = tmp_path / "controle.txt"
    control.write_text(f"Dossier de {FIRST_NAMES[0]} {LAST_NAMES[1].upper()}")
    report = scan_paths([*files_under(var), control], NEEDLES)
    assert list(report) == [str(control)]
