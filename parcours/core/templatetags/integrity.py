"""Subresource integrity for our own static scripts: `<script src="{% static p %}" integrity="{% sri p %}">`.

The browser refuses a script whose content does not match its `integrity` digest. Computed from the file the
static finders serve (the app's `static/` directory, the source of `collectstatic`; whitenoise serves the same
bytes, compressed variants decode to them), cached per file and modification time so that a changed file in
development gets a new digest without a restart.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache

from django import template
from django.contrib.staticfiles import finders

register = template.Library()


@lru_cache(maxsize=64)
def _digest(path: str, mtime_ns: int) -> str:
    with open(path, "rb") as handle:
        return "sha384-" + base64.b64encode(hashlib.sha384(handle.read()).digest()).decode("ascii")


def integrity_of(static_path: str) -> str:
    """The `integrity` value of a static file ("sha384-<base64>"); an unknown file is a programming error."""
    found = finders.find(static_path)
    if not found:
        raise template.TemplateSyntaxError(f"Fichier statique introuvable : {static_path}")
    return _digest(found, os.stat(found).st_mtime_ns)


@register.simple_tag
def sri(static_path: str) -> str:
    return integrity_of(static_path)
