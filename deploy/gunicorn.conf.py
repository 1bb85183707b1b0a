"""gunicorn's settings for Parcours in production (docs/exploitation.md). Started by
deploy/systemd/parcours-web.service: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Pre-forked sync workers share nothing but PostgreSQL: sessions, tasks, locks and numbering live in the
database, so several of these processes (or hosts) can serve behind one proxy.
"""

import multiprocessing
import os

bind = os.environ.get("PARCOURS_BIND", "127.0.0.1:8000")
# The usual 2 × cores + 1; PARCOURS_WORKERS to choose (e.g. per host when several hosts serve).
workers = int(os.environ.get("PARCOURS_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = 60  # a PDF of the annual report is the longest request (large exports run as background tasks)
graceful_timeout = 30
max_requests = (
    2000  # each worker is replaced after this many requests (jitter below): no slow leak lives long
)
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("PARCOURS_PROXY_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
limit_request_line = 8190

# Access log: the path without its query string (a search's query may carry a name), secrets in paths masked
# by the application's own filter; one JSON object per line like the application's logs.
accesslog = "-"
access_log_format = (
    '{"time": "%(t)s", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", '
    '"duration_ms": %(M)s}'
)
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_secret_urls": {"()": "parcours.core.logging.MaskSecretUrls"}},
    "formatters": {"raw": {"format": "%(message)s"}},
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "raw",
            "filters": ["mask_secret_urls"],
            "stream": "ext://sys.stdout",
        },
        "error": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
    },
}
