"""Three of Django's builtins, the same syntax and the same text, faster: a builtin library of the template
engine (config/settings/base.py, TEMPLATES « builtins »), it replaces them in every template, `{% load %}`
needed nowhere.

- `{% extends %}`: the root template's blocks (base.html's) collected once per compiled template, not by a
  walk of all its nodes at every page;
- `{% url %}` through `parcours.core.urls_cache.cached_reverse`: a URL whose arguments are UUIDs built from
  a pattern kept per process (~35 µs less per URL);
- `|date:"d/m/Y"`, the format of nearly every date Parcours prints (~290 places): written directly for a date
  or a datetime (~15 µs less per date); any other format or value goes to Django's filter.
"""

import datetime

from django import template
from django.template.base import TextNode
from django.template.defaultfilters import date as django_date
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockContext, BlockNode, ExtendsNode, do_extends
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


class CachedExtendsNode(ExtendsNode):
    """Django's ExtendsNode.render, the root template's blocks read from `_root_blocks`."""

    def render(self, context):
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        root_blocks = _root_blocks(compiled_parent)
        if root_blocks is not None:  # the parent is the root: its blocks are the last resort
            block_context.add_blocks(root_blocks)
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)


def _root_blocks(template) -> dict | None:
    """The blocks of `template` by name if it extends nothing (Django's test: its first node that is not
    text is not an `{% extends %}`), else None; kept on the compiled template, which the cached loader
    keeps for the process (a template compiled again, in development, is a new object). BlockContext only
    reads the dict."""
    try:
        return template._parcours_root_blocks
    except AttributeError:
        pass
    blocks = None
    for node in template.nodelist:
        if not isinstance(node, TextNode):
            if not isinstance(node, ExtendsNode):
                blocks = {n.name: n for n in template.nodelist.get_nodes_by_type(BlockNode)}
            break
    template._parcours_root_blocks = blocks
    return blocks


@register.tag
def extends(parser, token):
    """Django's `{% extends %}` (same checks: first tag, once per template), its node the one above."""
    node = do_extends(parser, token)
    node.__class__ = CachedExtendsNode
    return node


DAY_MONTH_YEAR = "d/m/Y"
_DATES = (datetime.date, datetime.datetime)


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Django's `date` filter; « 01/03/2026 » for "d/m/Y" written directly (the value is already in the
    current time zone: `expects_localtime`, as Django's)."""
    if arg == DAY_MONTH_YEAR and type(value) in _DATES:
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return django_date(value, arg)
