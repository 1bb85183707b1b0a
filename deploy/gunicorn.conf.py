"""gunicorn's settings for Parcours in production (docs/exploitation.md). Started by
deploy/systemd/parcours-web.service: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Pre-forked sync workers share nothing but PostgreSQL: sessions, tasks, locks and numbering live in the
database, so several of these processes (or hosts) can serve behind one proxy.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("PARCOURS_BIND", "127.0.0.1:8000")
# The usual 2 × cores + 1; PARCOURS_WORKERS to choose (e.g. per host when several hosts serve).
workers = int(os.environ.get("PARCOURS_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = 60  # a PDF of the annual report is the longest request (large exports run as background tasks)
graceful_timeout = 30
# Each worker is replaced after this many requests (jitter below): no slow leak lives long. 0: never (the
# benchmark, bench/bench_pages.py, so that a worker's start is not counted in a page's time).
max_requests = int(os.environ.get("PARCOURS_MAX_REQUESTS", 2000))
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


def post_worker_init(worker):
    """What the worker loaded to start (Django, the settings, the models, the URL patterns: ~200,000 objects)
    lives as long as the worker: moved out of the cyclic garbage collector's generations (gc.freeze,
    https://docs.python.org/3/library/gc.html#gc.freeze), so that a full collection no longer walks it; on a
    pathway's page such a collection was a pause of ~130 ms every few hundred requests
    (docs/pays-synthetique.md).
    Objects created later, by the requests, are collected as before."""
    gc.collect()
    gc.freeze()
