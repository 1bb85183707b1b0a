"""The suite runs on the test settings (MD5 hashing for speed, throw-away database, PostgreSQL in CI),
and the real settings still hash passwords with Argon2."""

import os

from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.db import connection
from django.test import override_settings

from config.settings import base


def test_the_suite_runs_on_the_test_settings():
    # `make` exports DJANGO_SETTINGS_MODULE=config.settings.dev, which would win over pyproject's setting.
    assert os.environ["DJANGO_SETTINGS_MODULE"] == "config.settings.test"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_ci_runs_on_postgresql(db):
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}:
        assert connection.vendor == "postgresql"


def test_production_hashes_new_passwords_with_argon2_and_accepts_pbkdf2():
    assert base.PASSWORD_HASHERS == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        encoded = make_password("Mot-de-passe-de-test-2026")
        assert identify_hasher(encoded).algorithm == "argon2"
        assert check_password("Mot-de-passe-de-test-2026", encoded)
        assert not check_password("autre-mot-de-passe", encoded)
        legacy = make_password("Mot-de-passe-de-test-2026", hasher="pbkdf2_sha256")
        assert check_password("Mot-de-passe-de-test-2026", legacy)


def test_prod_settings_do_not_replace_the_hashers():
    source = (base.BASE_DIR / "config" / "settings" / "prod.py").read_text()
    assert "PASSWORD_HASHERS" not in source


def test_hypothesis_has_no_timing_assertion_anywhere():
    """A deadline per example is a timing assertion: under load (CI, `-n 4` on two cores) it failed."""
    from hypothesis import HealthCheck
    from hypothesis import settings as hypothesis_settings

    assert hypothesis_settings.default.deadline is None
    assert HealthCheck.too_slow in hypothesis_settings.default.suppress_health_check
    # No test brings a deadline back with a settings decorator of its own.
    for path in (base.BASE_DIR / "tests").rglob("*.py"):
        source = path.read_text()
        for line in source.splitlines():
            if line.lstrip().startswith("@settings(") and "deadline=" in line:
                assert "deadline=None" in line, f"{path.name} : {line.strip()}"


def test_the_demo_starts_whatever_its_generated_secret_key_begins_with(tmp_path):
    """A generated key may begin with "$", which django-environ read as a reference to another variable
    (infinite recursion): a fresh demo failed to start about once in 50 builds."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    var = tmp_path / "var"
    var.mkdir()
    (var / "secret_key").write_text("$x!1-cle-de-demonstration-commencant-par-un-dollar-" + "a" * 20)
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SECRET_KEY", "DATABASE_URL", "CI"}}
    env.update(PARCOURS_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="config.settings.dev")
    result = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-500:]


def test_postgresql_binds_on_the_server_and_prepares_the_statements_a_connection_repeats(db, monkeypatch):
    """On PostgreSQL (the suite in CI, production) a statement sent PARCOURS_DB_PREPARE_THRESHOLD times on
    a connection is prepared: the pages' few statement shapes are planned once per connection. 0 goes back
    to Django's default (client-side binding, nothing prepared); SQLite is not concerned."""
    assert base.for_a_team({"ENGINE": "django.db.backends.postgresql"})["OPTIONS"] == {
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
    monkeypatch.setattr(base, "DB_PREPARE_THRESHOLD", 0)
    assert "OPTIONS" not in base.for_a_team({"ENGINE": "django.db.backends.postgresql"})
    if connection.vendor == "postgresql":
        from parcours.core.models import Departement

        connection.ensure_connection()
        assert connection.connection.prepare_threshold == 5
        for _ in range(6):
            list(Departement.objects.filter(code="75"))
        prepared = connection.connection.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()[0]
        assert prepared >= 1
