"""Settings shared by every environment. Read from the environment with django-environ.

Every setting is documented in docs/environnement.md.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

VAR_DIR = Path(env("PARCOURS_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = False
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "dsfr",  # before django.forms: its widget templates (DSFR checkbox and radio groups, error lists) win
    "django.forms",
    "widget_tweaks",
    "pgtrigger",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    # Not "rest_framework": its French translations would replace Django's own for the same messages (form
    # errors such as « Saisissez une adresse de courriel valide. »); the API's messages are French already
    # (parcours/national/api_errors.py), and nothing else of the app (browsable API, authtoken) is used.
    "drf_spectacular",
    "parcours.core",
    "parcours.approvals",
    "parcours.people",
    "parcours.housing",
    "parcours.datarights",
    "parcours.attestations",
    "parcours.pathways",
    "parcours.deadlines",
    "parcours.documents",
    "parcours.outbox",
    "parcours.commission",
    "parcours.appeals",
    "parcours.diagnostic",
    "parcours.conventions",
    "parcours.directory",
    "parcours.actions",
    "parcours.referrals",
    "parcours.stats",
    "parcours.national",
    "parcours.retention",
    "parcours.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "parcours.core.middleware.NoStoreMiddleware",  # no page with an identity in a browser's cache
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "parcours.core.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "parcours.core.middleware.ActorMiddleware",
    "parcours.core.second_factor.SecondFactorMiddleware",
    "parcours.core.middleware.RefusalJournalMiddleware",  # refused attempts in the audit journal
    "parcours.core.middleware.StorageFullMiddleware",  # a full file store: 507 and a French page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "parcours" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parcours.core.context_processors.actor",
            ],
            # `{% url %}` with the URL of UUID arguments built from a pattern kept per process
            # (parcours.core.urls_cache): the same text as Django's tag, ~35 µs less per URL printed.
            "builtins": ["parcours.core.templatetags.engine_builtins"],
        },
    },
]
FORM_RENDERER = "parcours.core.renderers.WidgetRenderer"  # TemplatesSetting, its hot widgets in Python
DSFR_MARK_OPTIONAL_FIELDS = True

# The embedded default (SQLite) serves a small team. Every page that shows a person writes its audit
# event (inside the request's transaction, ATOMIC_REQUESTS; in one statement of its own for the most opened
# pages, core.views_base.JournaledReadView), so concurrent page loads are concurrent writers:
# - WAL lets readers go on while one request writes (https://www.sqlite.org/wal.html);
# - IMMEDIATE transactions take the write lock at BEGIN: a transaction that read first and then tried to
#   write could not wait for the lock and failed at once with "database is locked" (Django 5.2 docs,
#   "Transactions behavior" of SQLite, https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-transaction-behavior);
# - the busy timeout makes a writer wait its turn instead of failing; synchronous=NORMAL is the setting
#   SQLite recommends with WAL (durable across application crashes; the last transactions may be lost on a
#   power cut).
SQLITE_BUSY_TIMEOUT_MS = env.int("PARCOURS_SQLITE_BUSY_TIMEOUT_MS", default=20_000)
# PostgreSQL: parameters are bound by the server (psycopg's server-side binding), so that a statement run
# PARCOURS_DB_PREPARE_THRESHOLD times on a connection is prepared and planned once for the connection's life
# (psycopg "prepare_threshold", https://www.psycopg.org/psycopg3/docs/advanced/prepare.html): every page
# sends the same few statement shapes, re-planned at each request otherwise (on the synthetic country ~0.2 ms
# a statement, about 2 ms of the server's time on a pathway's page). 0: client-side binding and no
# preparation (psycopg's and Django's default), needed behind a pooler in transaction mode that does not
# follow prepared statements (PgBouncer before 1.21, docs/exploitation.md). Raw SQL must then give its
# parameters a type PostgreSQL can infer, and a utility statement (CREATE, COMMENT...) none at all.
DB_PREPARE_THRESHOLD = env.int("PARCOURS_DB_PREPARE_THRESHOLD", default=5)


def for_a_team(database: dict) -> dict:
    """`database` (a DATABASES entry) with the options above for its engine (SQLite or PostgreSQL)."""
    if database.get("ENGINE") == "django.db.backends.postgresql" and DB_PREPARE_THRESHOLD:
        database.setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": DB_PREPARE_THRESHOLD}
        )
    if database.get("ENGINE") == "django.db.backends.sqlite3":
        database.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS};"
                ),
            }
        )
    return database


DATABASES = {
    "default": for_a_team(env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'parcours.sqlite3'}")),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failures (django-axes): 5 failures lock the account *from one client address* for
# 30 minutes, so that nobody can lock someone else out from everywhere. The client address is the real one
# behind PARCOURS_TRUSTED_PROXY_COUNT reverse proxies (parcours/core/client_ip.py); 0: REMOTE_ADDR, the
# X-Forwarded-For header is ignored (development, or a server facing the network).
AXES_FAILURE_LIMIT = env.int("PARCOURS_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("PARCOURS_LOGIN_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "parcours.core.client_ip.client_ip"
PARCOURS_TRUSTED_PROXY_COUNT = env.int("PARCOURS_TRUSTED_PROXY_COUNT", default=0)

# A wrong second-factor code counts as a failed login (same limit, same lockout); a right password does not
# reset the count while the code is still to be given (parcours/core/second_factor.py).
AXES_HANDLER = "parcours.core.second_factor.AxesHandler"

# Second factor (TOTP with django-otp, single-use recovery codes; docs/permissions.md, ADR 0007).
# Mandatory for the roles that see people and for administrators (core.roles.SECOND_FACTOR_ROLES) when True:
# production forces it; the demo (dev) only offers it, so that the README's logins work with the password.
PARCOURS_2FA_MANDATORY = env.bool("PARCOURS_2FA_MANDATORY", default=False)
# Step-up: a fresh code before an export or a download naming people and before any role change, if the
# last verification is older than this. A project choice (no text sets it), to confirm with the
# département's security officer: about the length of one working session on a file.
PARCOURS_2FA_STEP_UP_MINUTES = env.int("PARCOURS_2FA_STEP_UP_MINUTES", default=15)
PARCOURS_2FA_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "Parcours"
# django-axes is the one throttle (the same count as for passwords): django-otp's own growing delay after
# each failure would refuse a right code typed a second after a wrong one, with no message to say why.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# ProConnect (OpenID Connect for State agents, mozilla-django-oidc). Enabled when the client id is set.
# Endpoints: https://PROCONNECT_DOMAIN/api/v2/{authorize,token,userinfo,jwks} (ProConnect partner docs).
PROCONNECT_ENABLED = bool(env("PROCONNECT_CLIENT_ID", default=""))
OIDC_RP_CLIENT_ID = env("PROCONNECT_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("PROCONNECT_CLIENT_SECRET", default="")
OIDC_OP_ISSUER = env("PROCONNECT_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("PROCONNECT_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("PROCONNECT_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("PROCONNECT_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("PROCONNECT_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env("PROCONNECT_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email given_name usual_name"
OIDC_CREATE_USER = False  # accounts are matched by e-mail, never created (a role is granted by people)
OIDC_STORE_ID_TOKEN = False
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "proconnect_callback"
# Accepted `acr` values of the ID token, checked on the server: the levels that include a second factor
# (ProConnect partner docs, "Forcer la double authentification (2FA) sur votre service": eidas2, eidas3,
# self-asserted-2fa, consistency-checked-2fa). A login at one of these levels counts as the second factor.
PROCONNECT_ACR_VALUES = env.list(
    "PROCONNECT_ACR_VALUES",
    default=[
        "eidas2",
        "eidas3",
        "https://proconnect.gouv.fr/assurance/self-asserted-2fa",
        "https://proconnect.gouv.fr/assurance/consistency-checked-2fa",
    ],
)
if PROCONNECT_ENABLED:
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "parcours.core.proconnect.ProConnectBackend"]

# Sessions (values of 2026-07, docs/environnement.md): 15 minutes without a request, 12 hours after login
# whatever the activity. Source: OWASP ASVS 5.0 V7.3.1 and V7.3.2 (idle and absolute limits, set by risk
# analysis), at the NIST SP 800-63B AAL3 level (15 min idle, 12 h), the level of a file of victims; ANSSI's
# guide PG-078 (2021) asks for a risk-based choice and fixes no figure.
SESSION_COOKIE_AGE = env.int("PARCOURS_SESSION_IDLE_SECONDS", default=15 * 60)
PARCOURS_SESSION_MAX_AGE_SECONDS = env.int("PARCOURS_SESSION_MAX_AGE_SECONDS", default=12 * 60 * 60)
# Password links (parcours/core/tokens.py): single use; a reset link lives 1 hour, the link a new account
# receives to choose its first password 72 hours (it may arrive on a Friday evening).
PASSWORD_RESET_TIMEOUT = env.int("PARCOURS_PASSWORD_RESET_SECONDS", default=60 * 60)
PARCOURS_ACCOUNT_SETUP_SECONDS = env.int("PARCOURS_ACCOUNT_SETUP_SECONDS", default=72 * 60 * 60)
# The idle limit is pushed back by a signed-in request at most once every PARCOURS_SESSION_TOUCH_SECONDS
# (core.middleware.SessionLifetimeMiddleware), not at every request: writing the session row on each page
# was one more write transaction per request (and on the embedded SQLite, writers queue). A session then
# ends after SESSION_COOKIE_AGE without a request, give or take this much.
SESSION_SAVE_EVERY_REQUEST = False
PARCOURS_SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Messages (« Objectif ajouté », a refusal) are kept in the session, not in a cookie of their own (Django's
# default stores them in a signed, readable cookie): the session and CSRF cookies are the only ones
# (core/frame/cookies.html, « Gestion des cookies »).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {
        # Uploaded documents and frozen PDFs live outside the web root, encrypted with the field keys (files
        # 0600, directories 0700); they are only served, decrypted, by an audited view (docs/chiffrement.md).
        "BACKEND": "parcours.core.storage.EncryptedFileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# The data protection officer's contact printed on the information notice given to the people followed (RGPD
# art. 13.1.b; parcours.datarights.notice). Empty: the notice leaves a line to fill by hand.
PARCOURS_DPO_CONTACT = env.str("PARCOURS_DPO_CONTACT", default="")

# Uploaded supporting documents: size cap and accepted types (checked on content, not on name).
PARCOURS_UPLOAD_MAX_BYTES = env.int("PARCOURS_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# A request's non-file data. The largest form is a diagnostic structure's keys file: rules.MAX_LIST_ROWS
# (5,000) rows of six LK2 keys of 64 hex digits, form-encoded (about 2.2 MB at worst); 4 MiB leaves room.
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
# An upload is kept in memory, never spooled in clear to a temporary file: beyond the cap the handler only
# counts its bytes, and the service refuses it by size. Stored files are encrypted (parcours.core.storage).
FILE_UPLOAD_HANDLERS = ["parcours.core.upload_handler.MemoryOnlyUploadHandler"]
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Field encryption and blind indexes: keys separate from SECRET_KEY, from the environment or key files.
PARCOURS_FIELD_KEYS = env.list("PARCOURS_FIELD_KEYS", default=[])
PARCOURS_BLIND_INDEX_KEY = env("PARCOURS_BLIND_INDEX_KEY", default="")
PARCOURS_KEY_DIR = Path(env("PARCOURS_KEY_DIR", default=str(VAR_DIR / "keys")))
# The audit journal's daily seals (parcours.core.audit_chain, docs/audit.md): the Ed25519 signing key (a file
# the database never holds; `manage.py seal_audit --create-key` makes it) and the directory the seals are
# appended to, outside the database (in production, one the application's accounts cannot rewrite).
PARCOURS_AUDIT_SEAL_KEY_FILE = Path(
    env("PARCOURS_AUDIT_SEAL_KEY_FILE", default=str(PARCOURS_KEY_DIR / "audit_seal_key.pem"))
)
PARCOURS_AUDIT_SEAL_DIR = Path(env("PARCOURS_AUDIT_SEAL_DIR", default=str(VAR_DIR / "sceaux-audit")))
# An account that opens more people's files than this within an hour raises an alert to the secretariat
# (checked by `seal_audit`, each minute). Service choice, to adjust to the département's activity.
PARCOURS_AUDIT_READS_PER_HOUR = env.int("PARCOURS_AUDIT_READS_PER_HOUR", default=100)

# The service's details shown on the login page and the footer's pages (docs/environnement.md): who to ask for
# help (the login page, the accessibility statement), who runs this instance and who hosts it (mentions
# légales, données personnelles). Plain French text.
PARCOURS_HELP_CONTACT = env(
    "PARCOURS_HELP_CONTACT",
    default="le secrétariat de la commission de votre département (direction départementale aux droits des "
    "femmes et à l'égalité, préfecture)",
)
PARCOURS_OPERATOR = env(
    "PARCOURS_OPERATOR",
    default="la préfecture du département, pour la commission départementale de lutte contre la "
    "prostitution, le proxénétisme et la traite des êtres humains",
)
PARCOURS_HOSTING = env(
    "PARCOURS_HOSTING",
    default="les serveurs de l'exploitant ; l'adresse de l'hébergeur est communiquée sur demande au "
    "secrétariat de la commission",
)

# Board horizon: periods ending and permits expiring within this many days appear on "À traiter".
# Absolute address of the application, for links in e-mails (diagnostic invitations).
PARCOURS_PUBLIC_URL = env("PARCOURS_PUBLIC_URL", default="http://127.0.0.1:8000")
PARCOURS_BOARD_HORIZON_DAYS = env.int("PARCOURS_BOARD_HORIZON_DAYS", default=60)
# A dashboard page is kept this long at most in the cache, and only while the data it is computed from have
# not changed (parcours.stats.cache: a version PostgreSQL increases at every write); 0: never cached.
PARCOURS_STATS_CACHE_SECONDS = env.int("PARCOURS_STATS_CACHE_SECONDS", default=3600)
# The « À traiter » board likewise (parcours.deadlines.cache): kept at most this long, and only while the
# records it reads have not changed; 0: never cached.
PARCOURS_BOARD_CACHE_SECONDS = env.int("PARCOURS_BOARD_CACHE_SECONDS", default=3600)
# The compiled SQL of the few hot queries marked `fixed_shape` is kept per process (parcours.core.sql_shapes);
# with VERIFY each reuse is compiled again and compared (the test settings: the suite checks every reuse).
PARCOURS_SQL_SHAPES = env.bool("PARCOURS_SQL_SHAPES", default=True)
PARCOURS_SQL_SHAPES_VERIFY = env.bool("PARCOURS_SQL_SHAPES_VERIFY", default=False)
# The fields' HTML of the blank forms that opt in is kept per process (parcours.core.form_html); with VERIFY
# each reuse is rendered again and compared (the test settings).
PARCOURS_FORM_HTML_VERIFY = env.bool("PARCOURS_FORM_HTML_VERIFY", default=False)

# Background tasks (django-tasks): the database backend, run by `manage.py db_worker` (docs/taches.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# E-mails: sender, and where the outbox's files go in development.
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="parcours@localhost")
EMAIL_FILE_PATH = VAR_DIR / "courriels"

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],  # no injected <base> can redirect relative links and forms
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    # Invitation tokens (URL path segments that are credentials) are masked in every line we write.
    "filters": {"mask_secret_urls": {"()": "parcours.core.logging.MaskSecretUrls"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_secret_urls"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_secret_urls"],
        },
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    # Django logs request lines with URLs only: URLs carry opaque ids, never identities.
    "loggers": {
        # runserver's request lines and refused requests: masked at the logger, so that every handler the
        # record reaches (Django's own "django" handlers included) sees the masked line.
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["mask_secret_urls"],
        },
        "django.request": {"filters": ["mask_secret_urls"]},
        "django.db.backends": {"level": "WARNING"},
        # PDF rendering is chatty at INFO (one line per step and font).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},  # one INFO line per task: noise in `make run`
    },
}
STATICFILES_DIRS = [BASE_DIR / "parcours" / "static"]

# National aggregation's read-only API (parcours/national/api.py, docs/national.md): JSON only (no browsable
# API, whose forms and scripts the CSP would refuse), a token per national analyst or per national instance
# (hashed, issued by `manage.py issue_api_token`), or the analyst's own session; nobody else reads it.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "parcours.national.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["parcours.national.api_auth.NationalReader"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "parcours.national.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Parcours — API nationale",
    "DESCRIPTION": (
        "Agrégats départementaux publiés sous secret statistique (jamais une personne, jamais une case "
        "secrète). Lecture seule, authentification par jeton (en-tête « Authorization: Token … »)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The schema is read like the API: a national analyst's token or session.
    "SERVE_PERMISSIONS": ["parcours.national.api_auth.NationalReader"],
}
# A département's export (GET /api/v1/export/{year}/) fetched by the national instance: network timeout.
PARCOURS_NATIONAL_PULL_TIMEOUT = env.int("PARCOURS_NATIONAL_PULL_TIMEOUT", default=30)
