"""Tests: SQLite by default; PostgreSQL when CI=true (throw-away test database) or DATABASE_URL is set."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, env, for_a_team

SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

if env.bool("CI", default=False) and "DATABASE_URL" not in os.environ:
    DATABASES = {"default": env.db_url_config("postgres://postgres@127.0.0.1:5432/parcours")}
elif "DATABASE_URL" in os.environ:
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    DATABASES = {"default": env.db_url_config("sqlite:///" + str(BASE_DIR / "var" / "test.sqlite3"))}
for_a_team(DATABASES["default"])  # WAL, busy timeout, immediate transactions on SQLite
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# PARCOURS_TEST_DB names the throw-away PostgreSQL database, so that two runs on one server do not drop
# each other's (pytest-xdist then adds a _gw0, _gw1... suffix per worker).
DATABASES["default"]["TEST"] = (
    {"NAME": os.environ.get("PARCOURS_TEST_DB", "test_parcours")}
    if "postgres" in DATABASES["default"]["ENGINE"]
    else {}
)

# Fixed test keys (Fernet keys are urlsafe base64 of 32 bytes).
PARCOURS_FIELD_KEYS = ["4pH1u9cWkKJm0QpJ3m1b6J1j9d0Q1yq8kq1bW3cH0hY="]
PARCOURS_BLIND_INDEX_KEY = "r3bYlV6m1o5zv1vHnq8m0a2cXG8Tq6o1b0d9x7w5s4E="

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run at once, in the test's thread (the outbox tests also use the database backend explicitly).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
STORAGES = {
    "default": {
        "BACKEND": "parcours.core.storage.EncryptedFileSystemStorage",
        # PARCOURS_TEST_STORAGE: another store, for a second instance run by a test (the restore drill).
        "OPTIONS": {
            "location": os.environ.get("PARCOURS_TEST_STORAGE", str(BASE_DIR / "var" / "test-private")),
            "base_url": None,
        },
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
# Dashboards computed at each request (their tests read the figures from the response's context);
# tests/stats/test_cache.py turns the cache on.
PARCOURS_STATS_CACHE_SECONDS = 0
PARCOURS_BOARD_CACHE_SECONDS = 0
# Every reuse of a kept SQL (parcours.core.sql_shapes) compiled again and compared: a wrong reuse fails the
# test that made it.
PARCOURS_SQL_SHAPES_VERIFY = True
PARCOURS_FORM_HTML_VERIFY = True
# WhiteNoise would scan every static file (the whole DSFR, ~0.2 s) each time a test Client builds its
# middleware; autorefresh looks files up on request instead. Same files served, production unchanged.
WHITENOISE_AUTOREFRESH = True
# Second factor: offered, not required (as in dev); tests that need it mandatory set it with `settings`.
PARCOURS_2FA_MANDATORY = False
