"""The server's error pages (config.urls: handler500).

A request that fails because the database cannot be reached (PostgreSQL restarting, the network to it cut,
the embedded SQLite busy beyond its timeout) answers **503** with `Retry-After` and a French page that says
to try again in a moment: nothing was recorded (the request's transaction never committed), and the same
processes serve again as soon as the database answers (CONN_HEALTH_CHECKS opens a fresh connection). Any
other unexpected failure answers 500. Both pages are plain HTML that reads nothing from the database.
Django has logged the exception before calling the handler (django.request, without the request's data).
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

# How long a client should wait before trying again (seconds): a PostgreSQL restart takes a few seconds.
RETRY_AFTER_SECONDS = 30


def database_unavailable(exception: BaseException | None) -> bool:
    """The failure, or one it arose from (a session that could not be saved: Django's SessionInterrupted
    after an UpdateError after the OperationalError), is the database out of reach."""
    seen = 0
    while exception is not None and seen < 10:
        if isinstance(exception, OperationalError | InterfaceError):
            return True
        exception, seen = exception.__cause__ or exception.__context__, seen + 1
    return False


def _unavailable() -> HttpResponse:
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    if database_unavailable(sys.exc_info()[1]):
        return _unavailable()
    response = HttpResponse(loader.get_template("500.html").render(), status=500)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception):
    """400, unless the request was refused because its session could not be saved with the database out of
    reach (Django answers « session interrupted », 400): that is 503, nothing was recorded either."""
    if database_unavailable(exception):
        return _unavailable()
    return defaults.bad_request(request, exception)
