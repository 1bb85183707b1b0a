"""Production: no default for any secret; refuses to start without them."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, env, for_a_team
from .keys import check_production_secrets

DEBUG = False
# Secrets are read as they are, not through env(): django-environ takes a value beginning with "$" as the
# name of another variable, and its error message would then print the rest of the secret.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY est obligatoire en production.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": for_a_team(env.db("DATABASE_URL"))}  # SQLite: the embedded default
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A connection per worker kept between requests (a new one costs PostgreSQL a process each request),
    # checked before reuse so that a restarted server is met with a fresh connection, not an error
    # (docs/exploitation.md; 0 with a transaction-mode pooler such as PgBouncer in front).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("PARCOURS_DB_CONN_MAX_AGE", default=300)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
PARCOURS_FIELD_KEYS = env.list("PARCOURS_FIELD_KEYS", default=[])
PARCOURS_BLIND_INDEX_KEY = os.environ.get("PARCOURS_BLIND_INDEX_KEY", "")
PARCOURS_PUBLIC_URL = env("PARCOURS_PUBLIC_URL", default="")
# Refuses to start with a missing or short key, or without an https public URL (docs/chiffrement.md).
check_production_secrets(PARCOURS_FIELD_KEYS, PARCOURS_BLIND_INDEX_KEY, PARCOURS_PUBLIC_URL)

# Behind how many reverse proxies the application runs: no default, a wrong value either lets a client
# forge its address (too many) or locks accounts for everyone behind the proxy (too few).
# See docs/environnement.md.
PARCOURS_TRUSTED_PROXY_COUNT = env.int("PARCOURS_TRUSTED_PROXY_COUNT")

# The second factor is mandatory for the roles that see people and for administrators (not a variable).
PARCOURS_2FA_MANDATORY = True

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=30)

# Logs: one JSON object per line on the standard output (the service manager or the container runtime keeps
# them); the same filters as in development mask the secrets that travel in URLs. No identity is ever logged
# (URLs carry opaque ids; messages name no one).
LOGGING["formatters"]["json"] = {
    "()": "parcours.core.logging.json_formatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
}
LOGGING["handlers"]["console"]["formatter"] = "json"
LOGGING["handlers"]["django.server"]["formatter"] = "json"

# Optional error reporting (Sentry or GlitchTip): only with a DSN, personal data scrubbed before sending
# (parcours.core.observability).
from parcours.core.observability import init_sentry  # noqa: E402

init_sentry(
    os.environ.get("SENTRY_DSN", ""),
    environment=env("SENTRY_ENVIRONMENT", default="production"),
    release=env("PARCOURS_RELEASE", default=""),
)
