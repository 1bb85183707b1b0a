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
    "django_tasks",
    "django_tasks_db",
    "parcours.core",
    "parcours.approvals",
    "parcours.people",
    "parcours.pathways",
    "parcours.deadlines",
    "parcours.documents",
    "parcours.outbox",
    "parcours.commission",
    "parcours.diagnostic",
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
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "parcours.core.middleware.ActorMiddleware",
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
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
DSFR_MARK_OPTIONAL_FIELDS = True

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'parcours.sqlite3'}"),
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

# Lockout after repeated failures (django-axes): 5 failures lock the account+IP for 30 minutes.
AXES_FAILURE_LIMIT = env.int("PARCOURS_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("PARCOURS_LOGIN_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Session expires after 30 minutes of inactivity (refreshed at every request).
SESSION_COOKIE_AGE = env.int("PARCOURS_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {
        # Uploaded documents live outside the web root; they are only served by an audited view.
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Uploaded supporting documents: size cap and accepted types (checked on content, not on name).
PARCOURS_UPLOAD_MAX_BYTES = env.int("PARCOURS_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Field encryption and blind indexes: keys separate from SECRET_KEY, from the environment or key files.
PARCOURS_FIELD_KEYS = env.list("PARCOURS_FIELD_KEYS", default=[])
PARCOURS_BLIND_INDEX_KEY = env("PARCOURS_BLIND_INDEX_KEY", default="")
PARCOURS_KEY_DIR = Path(env("PARCOURS_KEY_DIR", default=str(VAR_DIR / "keys")))

# Board horizon: periods ending and permits expiring within this many days appear on "À traiter".
# Absolute address of the application, for links in e-mails (diagnostic invitations).
PARCOURS_PUBLIC_URL = env("PARCOURS_PUBLIC_URL", default="http://127.0.0.1:8000")
PARCOURS_BOARD_HORIZON_DAYS = env.int("PARCOURS_BOARD_HORIZON_DAYS", default=60)

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
