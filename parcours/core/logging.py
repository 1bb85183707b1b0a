"""Logging filters: secrets that travel in a URL never reach a log line.

A diagnostic invitation link carries its token in the path (`/diagnostic/invitation/<token>/`). The link is
opened once and answered 303 to an address without the token, but that one request is still logged by
Django (`django.server` in development, `django.request` for a refused link). This filter masks the token
in every record it sees, whatever the logger; configure it on the handlers (config/settings/base.py).
The access log of a reverse proxy is outside Django: see docs/diagnostic.md.
"""

from __future__ import annotations

import logging
import re

MASK = "***"
# Path segments that are credentials: the segment after each prefix is masked.
SECRET_SEGMENTS = [re.compile(r"(/diagnostic/invitation/)[^/\s?#\"']+")]


def mask_secrets(text: str) -> str:
    for pattern in SECRET_SEGMENTS:
        text = pattern.sub(rf"\g<1>{MASK}", text)
    return text


class MaskSecretUrls(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to the handler
            return True
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


# The fields a production log line may carry: Django's loggers attach the request object itself as an "extra"
# (its repr is the full URL, query string included: a search may carry a name), so every other extra is
# dropped rather than serialised.
JSON_FIELDS = ("time", "level", "logger", "message", "status_code", "exc_info", "stack_info")


def json_formatter(**options):
    """The JSON formatter of the production logs (config/settings/prod.py): one object per line, known fields
    only, secrets in URLs masked."""
    from pythonjsonlogger.json import JsonFormatter

    class ParcoursJsonFormatter(JsonFormatter):
        def add_fields(self, log_data, record, message_dict):
            super().add_fields(log_data, record, message_dict)
            for key in list(log_data):
                if key not in JSON_FIELDS:
                    del log_data[key]
            if "message" in log_data:
                log_data["message"] = mask_secrets(str(log_data["message"]))

    return ParcoursJsonFormatter(**options)
