"""Two of Django's builtins, the same syntax and the same text, faster: a builtin library of the template
engine (config/settings/base.py, TEMPLATES « builtins »), it replaces them in every template, `{% load %}`
needed nowhere.

- `{% url %}` through `parcours.core.urls_cache.cached_reverse`: a URL whose arguments are UUIDs built from
  a pattern kept per process (~35 µs less per URL);
- `|date:"d/m/Y"`, the format of nearly every date Parcours prints (~290 places): written directly for a date
  or a datetime (~15 µs less per date); any other format or value goes to Django's filter.
"""

import datetime

from django import template
from django.template.defaultfilters import date as django_date
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from ..urls_cache import cached_reverse

register = template.Library()


class CachedURLNode(URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = cached_reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's `{% url %}` (same arguments, `as var` included), its node the cached one."""
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


DAY_MONTH_YEAR = "d/m/Y"
_DATES = (datetime.date, datetime.datetime)


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Django's `date` filter; « 01/03/2026 » for "d/m/Y" written directly (the value is already in the
    current time zone: `expects_localtime`, as Django's)."""
    if arg == DAY_MONTH_YEAR and type(value) in _DATES:
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return django_date(value, arg)
