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

import functools
import uuid

from django.urls import get_script_prefix, get_urlconf, reverse

# Placeholders: the n-th UUID argument is reversed as UUID(int=n + 1) — a text no URL of Parcours holds
# otherwise (32 hexadecimal digits, all zeros but the last).
_PLACEHOLDERS = tuple(uuid.UUID(int=n + 1) for n in range(8))


def cached_reverse(viewname: str, args=(), kwargs=None, current_app: str | None = None) -> str:
    """`reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)`, the same text."""
    kwargs = kwargs or {}
    values = list(args) + list(kwargs.values())
    if len(values) > len(_PLACEHOLDERS) or any(type(value) is not uuid.UUID for value in values):
        return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    pattern = _pattern(get_urlconf(), get_script_prefix(), viewname, current_app, len(args), tuple(kwargs))
    if pattern is None:  # a placeholder not found once in the URL: reversed each time
        return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    parts = [pattern[0]]
    for value, text in zip(values, pattern[1:], strict=True):
        parts.append(str(value))
        parts.append(text)
    return "".join(parts)


# A few hundred URL names times their namespaces and prefixes; the configuration and the prefix are arguments
# (Django keeps them per thread), so a test that changes them meets its own patterns.
@functools.lru_cache(maxsize=2048)
def _pattern(urlconf, prefix: str, viewname: str, current_app, positional: int, names: tuple):
    """The texts of the URL around its arguments, reversed once with placeholders; None if they cannot be
    found back in it. A NoReverseMatch is raised, never kept."""
    placeholders = iter(_PLACEHOLDERS)
    url = reverse(
        viewname,
        args=[next(placeholders) for _ in range(positional)],
        kwargs={name: next(placeholders) for name in names},
        urlconf=urlconf,
        current_app=current_app,
    )
    return _split(url, positional + len(names))


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
