"""Production observability without personal data: JSON log lines with URL secrets masked, and error reports
stripped of everything but the exception, the stack and the masked path (parcours.core.observability)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import sentry_sdk

from parcours.core.observability import init_sentry, scrub

REPO = Path(__file__).resolve().parents[2]


def test_an_error_report_keeps_the_exception_and_the_path_only():
    event = {
        "request": {
            "method": "POST",
            "url": "https://parcours.example/diagnostic/invitation/jeton-secret/?nom=Durandelle",
            "data": {"last_name": "Durandelle"},
            "cookies": {"sessionid": "abc"},
            "headers": {"Cookie": "sessionid=abc", "X-Forwarded-For": "203.0.113.9"},
            "query_string": "nom=Durandelle",
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        },
        "user": {"id": "7", "username": "75.ddfe", "ip_address": "203.0.113.9"},
        "breadcrumbs": {"values": [{"category": "query", "data": {"params": ["Durandelle"]}}]},
        "extra": {"person": "Durandelle"},
        "server_name": "app-1",
        "transaction": "/diagnostic/invitation/jeton-secret/",
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": "Date invalide.",
                    "stacktrace": {"frames": [{"function": "save", "vars": {"name": "Durandelle"}}]},
                }
            ]
        },
        "logentry": {"message": "échec %s", "params": ["Durandelle"]},
    }
    cleaned = scrub(event)
    text = json.dumps(cleaned)
    assert "Durandelle" not in text and "jeton-secret" not in text and "203.0.113.9" not in text
    assert "sessionid" not in text and "75.ddfe" not in text
    assert cleaned["request"] == {
        "method": "POST",
        "url": "https://parcours.example/diagnostic/invitation/***/",
    }
    assert cleaned["exception"]["values"][0]["value"] == "Date invalide."
    assert cleaned["exception"]["values"][0]["stacktrace"]["frames"] == [{"function": "save"}]


def test_error_reporting_starts_only_with_a_dsn_and_with_the_privacy_options():
    assert init_sentry("", environment="test") is False
    try:
        assert init_sentry("https://cle@erreurs.example.invalid/1", environment="test") is True
        options = sentry_sdk.get_client().options
        assert options["data_collection"]["user_info"] is False
        assert options["data_collection"]["http_bodies"] == []
        assert options["data_collection"]["stack_frame_variables"] is False
        assert options["include_local_variables"] is False
        assert options["max_request_body_size"] == "never"
        assert options["max_breadcrumbs"] == 0
        assert options["before_send"] is scrub
    finally:
        sentry_sdk.init()  # no DSN: reporting off again


def test_production_logs_are_json_lines_with_secrets_masked(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "parcours.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PARCOURS_FIELD_KEYS": "4pH1u9cWkKJm0QpJ3m1b6J1j9d0Q1yq8kq1bW3cH0hY=",
        "PARCOURS_BLIND_INDEX_KEY": "r3bYlV6m1o5zv1vHnq8m0a2cXG8Tq6o1b0d9x7w5s4E=",
        "PARCOURS_PUBLIC_URL": "https://parcours.example",
        "PARCOURS_TRUSTED_PROXY_COUNT": "1",
    }
    env.pop("SENTRY_DSN", None)
    code = (
        "import django; django.setup(); import logging; "
        "logging.getLogger('parcours').warning('lien refusé : /diagnostic/invitation/jeton-secret/'); "
        "logging.getLogger('django.request').warning('Not Found: %s', '/personnes/', "
        "extra={'status_code': 404, 'request': '<WSGIRequest: GET /personnes/?q=Durandelle>'})"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert lines, done.stderr
    record, refused = lines[-2:]
    assert record["level"] == "WARNING" and record["logger"] == "parcours"
    assert record["message"] == "lien refusé : /diagnostic/invitation/***/"
    # Django attaches the request (its repr is the URL with its query string): never serialised.
    assert refused == {
        "time": refused["time"],
        "level": "WARNING",
        "logger": "django.request",
        "message": "Not Found: /personnes/",
        "status_code": 404,
    }
    assert "Durandelle" not in done.stderr
