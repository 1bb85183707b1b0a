"""Production observability without personal data (docs/exploitation.md): logs as JSON lines, and optional
error reporting to Sentry (or a compatible service such as GlitchTip) when SENTRY_DSN is set.

What an error report may carry: the exception's type and message (our messages name no one, by rule), the
stack (file, line, function, code), the URL path with its secrets masked (opaque ids only), the release and
environment. What it never carries: request bodies, query strings, cookies, headers, the user, local
variables, breadcrumbs (SQL statements and their parameters), server name. `scrub` enforces it on every event
before it leaves the process, whatever the SDK's defaults become.
"""

from __future__ import annotations

from typing import Any

from .logging import mask_secrets

KEPT_REQUEST_KEYS = ("method", "url")


def scrub(event: dict[str, Any], hint: dict | None = None) -> dict[str, Any]:
    request = event.get("request")
    if isinstance(request, dict):
        kept = {k: request[k] for k in KEPT_REQUEST_KEYS if k in request}
        if "url" in kept:
            kept["url"] = mask_secrets(str(kept["url"]).split("?", 1)[0])
        event["request"] = kept
    for key in ("user", "breadcrumbs", "extra", "server_name", "modules", "contexts"):
        event.pop(key, None)
    if "transaction" in event:
        event["transaction"] = mask_secrets(str(event["transaction"]))
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    if "logentry" in event and isinstance(event["logentry"], dict):
        event["logentry"].pop("params", None)
        if "message" in event["logentry"]:
            event["logentry"]["message"] = mask_secrets(str(event["logentry"]["message"]))
    return event


def init_sentry(dsn: str, *, environment: str, release: str = "") -> bool:
    """Start error reporting when a DSN is configured; returns whether it was started."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration()],
        # Nothing collected about the user, the request or the database, by the SDK's own switches too.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "off"}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
        },
        include_local_variables=False,
        max_request_body_size="never",
        max_breadcrumbs=0,
        traces_sample_rate=0.0,
        before_send=scrub,
        before_send_transaction=scrub,
    )
    return True
