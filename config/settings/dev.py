"""Development and demo: works with zero environment variables (SQLite and keys under var/)."""

import os

from django.core.management.utils import get_random_secret_key

from .base import *  # noqa: F403
from .base import PARCOURS_BLIND_INDEX_KEY, PARCOURS_FIELD_KEYS, PARCOURS_KEY_DIR, VAR_DIR, env
from .keys import ensure_local_keys

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

VAR_DIR.mkdir(parents=True, exist_ok=True)
VAR_DIR.chmod(0o700)  # the database, keys, files and e-mails of the demo: no other local account reads them
_secret_file = VAR_DIR / "secret_key"
if not _secret_file.exists():
    _secret_file.write_text(get_random_secret_key())
    _secret_file.chmod(0o600)
# Read as is, not through env(default=...): django-environ treats a value starting with "$" as the name of
# another variable and recursed without end on such a generated key (about one fresh demo in 50 failed to
# start: the build failure seen once in ~15 builds).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _secret_file.read_text().strip()

if not PARCOURS_FIELD_KEYS or not PARCOURS_BLIND_INDEX_KEY:
    PARCOURS_FIELD_KEYS, PARCOURS_BLIND_INDEX_KEY = ensure_local_keys(PARCOURS_KEY_DIR)

# E-mails are written as encrypted files under var/courriels/ (never printed: bodies may name a person or
# carry a link); `manage.py read_emails` shows them decrypted.
EMAIL_BACKEND = "parcours.outbox.backends.EncryptedFileEmailBackend"
# Tasks run at once in the web process by default (no worker to start); PARCOURS_TASKS_BACKEND=database
# queues them in the database for `manage.py db_worker`, as in production.
if env("PARCOURS_TASKS_BACKEND", default="immediate") == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
