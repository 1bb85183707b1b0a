"""The dashboard as a request: how it meets the embedded database."""

from __future__ import annotations

from django.urls import reverse


def test_the_dashboard_reads_outside_the_request_transaction():
    """On the embedded SQLite a request's transaction takes the write lock (IMMEDIATE): the dashboard, which
    only reads (and reads a lot), stays outside it so that concurrent readers do not queue behind it and
    time out (measured: 3 « database is locked » in 20 s with 16 clients before)."""
    from django.urls import resolve

    assert "default" in resolve(reverse("stats:dashboard")).func._non_atomic_requests
