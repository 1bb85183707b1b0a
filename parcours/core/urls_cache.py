"""`reverse()` of the URLs pages print, its result kept per process as a pattern.

Django's `reverse()` walks the URL resolver's candidates, checks each argument against its converter and
quotes the result: ~35 µs a call, and a page prints ten to twenty URLs through `{% url %}` (the header, the
footer, each action of a file). Its result depends only on the URL configuration, the script prefix, the
view name, the application namespace and the arguments; arguments that are UUIDs (every object of Parcours
is addressed by its public UUID, HOUSE_STYLE 7) are printed as `str(uuid)` by the `uuid` converter and never
quoted (hexadecimal digits and dashes). So the URL of `pathways:detail` with any UUID is the URL reversed
once with a placeholder UUID, the placeholder replaced: kept per (configuration, prefix, name, namespace,
argument kinds), the same text as `reverse()`, whatever the object — not a cache of the objects' URLs.

Arguments of any other type (a number, a text) go to `reverse()` every time. The `{% url %}` tag of every
template is this module's (`parcours.core.templatetags.engine_builtins`, a builtin library of the template
engine).
"""

from __future__ import annotations

import uuid

from django.urls import get_script_prefix, get_urlconf, reverse

# Placeholders: the n-th UUID argument is reversed as UUID(int=n + 1) — a text no URL of Parcours holds
# otherwise (32 hexadecimal digits, all zeros but the last).
_PLACEHOLDERS = tuple(uuid.UUID(int=n + 1) for n in range(8))
_PATTERNS: dict[tuple, tuple[str, ...]] = {}
_PATTERNS_MAX = 2048  # a few hundred URL names times their namespaces: cleared if ever reached


def _kind(value) -> str | None:
    """'u' for a UUID argument (its URL is a pattern), None for any other (reversed each time)."""
    return "u" if type(value) is uuid.UUID else None


def cached_reverse(viewname: str, args=(), kwargs=None, current_app: str | None = None) -> str:
    """`reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)`, the same text."""
    kwargs = kwargs or {}
    values = list(args) + list(kwargs.values())
    if len(values) > len(_PLACEHOLDERS) or any(_kind(value) is None for value in values):
        return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    key = (get_urlconf(), get_script_prefix(), viewname, current_app, len(args), tuple(kwargs))
    pattern = _PATTERNS.get(key)
    if pattern is None:
        placeholders = iter(_PLACEHOLDERS)
        url = reverse(
            viewname,
            args=[next(placeholders) for _ in args],
            kwargs={name: next(placeholders) for name in kwargs},
            current_app=current_app,
        )
        pattern = _split(url, len(values))
        if pattern is None:  # a placeholder not found once in the URL: never kept, reversed each time
            return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
        if len(_PATTERNS) >= _PATTERNS_MAX:
            _PATTERNS.clear()
        _PATTERNS[key] = pattern
    if len(pattern) == 1:
        return pattern[0]
    parts = [pattern[0]]
    for value, text in zip(values, pattern[1:], strict=True):
        parts.append(str(value))
        parts.append(text)
    return "".join(parts)


def _split(url: str, count: int) -> tuple[str, ...] | None:
    """The URL's texts around its `count` placeholders, in the arguments' order; None if one is not found
    exactly once, or not in that order."""
    texts, rest = [], url
    for placeholder in _PLACEHOLDERS[:count]:
        marker = str(placeholder)
        if url.count(marker) != 1 or marker not in rest:
            return None
        before, rest = rest.split(marker, 1)
        texts.append(before)
    texts.append(rest)
    return tuple(texts)
