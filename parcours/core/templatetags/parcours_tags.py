import functools
import html

from django import template
from django.conf import settings
from django.contrib import messages
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .. import form_html

register = template.Library()

# django-dsfr's style sheets, favicon and scripts, rendered once per process: their static URLs and integrity
# checksums do not change while it runs, and every page rendered their three templates (~0.35 ms). The
# scripts' nonce changes at every request: put into the rendered text in place of a marker.
_NONCE_MARKER = "parcours-nonce-marker"


def _dsfr_assets(name: str) -> str:
    return _rendered_dsfr_assets(
        name, settings.STATIC_URL, getattr(settings, "DSFR_USE_INTEGRITY_CHECKSUMS", True)
    )


@functools.lru_cache(maxsize=16)
def _rendered_dsfr_assets(name: str, static_url: str, integrity: bool) -> str:
    from dsfr.templatetags import dsfr_tags

    if name == "css":
        return get_template("dsfr/global_css.html").render(dsfr_tags.dsfr_css())
    if name == "favicon":
        return get_template("dsfr/favicon.html").render({})
    nonce = _NONCE_MARKER if name == "js" else ""
    return get_template("dsfr/global_js.html").render(dsfr_tags.dsfr_js({}, nonce=nonce))


@register.simple_tag
def dsfr_css_cached():
    """`{% dsfr_css %}`, the same text, rendered once per process."""
    return mark_safe(_dsfr_assets("css"))  # noqa: S308 (django-dsfr's template, static URLs only)


@register.simple_tag
def dsfr_favicon_cached():
    """`{% dsfr_favicon %}`, the same text, rendered once per process."""
    return mark_safe(_dsfr_assets("favicon"))  # noqa: S308 (django-dsfr's template, static URLs only)


@register.simple_tag
def dsfr_js_cached(nonce):
    """`{% dsfr_js nonce=... %}`, the same text, rendered once per process and given this request's nonce."""
    if not nonce:
        return mark_safe(_dsfr_assets("js-without-nonce"))  # noqa: S308 (django-dsfr's template, static URLs)
    html = _dsfr_assets("js").replace(_NONCE_MARKER, escape(nonce))
    return mark_safe(html)  # noqa: S308 (django-dsfr's template, static URLs and an escaped nonce)


# The URLs of the application's own static files, as `{% static %}` prints them, once per process: the
# storage and its base URL do not change while it runs (base.html prints two on every page, ~50 µs each).
@register.simple_tag
def static_cached(path: str) -> str:
    """`{% static path %}`, the same text (escaped), kept per (path, static URL, storage) and process."""
    return _static_url(path, settings.STATIC_URL, settings.STORAGES["staticfiles"]["BACKEND"])


@functools.lru_cache(maxsize=64)  # a few files of our own, named in templates; never a value from a request
def _static_url(path: str, static_url: str, backend: str) -> str:
    from django.templatetags.static import StaticNode

    return escape(StaticNode.handle_simple(path))


# The main menu rendered once per (permissions, section, script prefix) and process: it reads nothing else
# (includes/main_menu.html is rendered with these two variables only), and a page rendered it at every
# request (twenty includes, ~40 permission tests). Bounded: a few roles times a few dozen sections.
_MENUS: dict[tuple, str] = {}
_MENUS_MAX = 1024


@register.simple_tag(takes_context=True)
def main_menu(context):
    allowed, nav = frozenset(context.get("allowed") or ()), context.get("nav") or ""
    key = (allowed, str(nav), get_script_prefix())
    html = _MENUS.get(key)
    if html is None:
        html = get_template("includes/main_menu.html").render({"allowed": allowed, "nav": nav})
        if len(_MENUS) >= _MENUS_MAX:
            _MENUS.clear()
        _MENUS[key] = html
    return mark_safe(html)  # noqa: S308 (our own template, rendered from two trusted values)


@register.simple_tag
def select_options(choices, selected):
    """The `<option>`s of a filter's `<select>`, `selected` marked: one tag instead of a loop of nodes per
    option (a list page's three filters were a fifth of its template's time)."""
    selected = str(selected)
    return mark_safe(  # noqa: S308 (every value and label escaped as format_html escapes them)
        "".join(
            f'<option value="{_escaped(value)}"{" selected" if str(value) == selected else ""}>'
            f"{_escaped(label)}</option>"
            for value, label in choices
        )
    )


def _escaped(value) -> str:
    """The text `conditional_escape` gives (a safe string as is, anything else escaped by `html.escape`, as
    Django's `escape` does), without its lazy-string wrapper and safe-string result: one call per value and
    label of a filter's options."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


@register.simple_tag(takes_context=True)
def url_replace(context, **kwargs):
    """The current query string with some parameters replaced (keeps filters across pages)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode() if query else "?"


@register.simple_tag(takes_context=True)
def sort_header(context, key, label):
    """A sortable column header: link toggling ascending/descending, with aria-sort."""
    current = context.get("sort", "")
    if current == key:
        next_key, aria, arrow = "-" + key, "ascending", " ▲"
    elif current == "-" + key:
        next_key, aria, arrow = key, "descending", " ▼"
    else:
        next_key, aria, arrow = key, "none", ""
    href = url_replace(context, tri=next_key, page="")
    return format_html('<th scope="col" aria-sort="{}"><a href="{}">{}{}</a></th>', aria, href, label, arrow)


@register.simple_tag
def form_fields(form):
    """`{% form_fields form %}`: the fields of `form` as includes/fields.html writes them, a blank form's kept
    per process when its class opts in (parcours.core.form_html)."""
    return form_html.fields_html(form)


@register.filter
def field_group(form, name):
    """`{{ form|field_group:"name" }}`: the DSFR field group of one field of `form`."""
    return form[name].as_field_group()


# --- Errors in view (docs/saisies.md, « Erreurs de saisie ») -----------------------------------------------


def _forms_in(context) -> list:
    """The bound forms of a template context (every level), once each."""
    from django.forms import BaseForm

    found, seen = [], set()
    for layer in context.dicts:
        for value in layer.values() if isinstance(layer, dict) else []:
            # type(), not isinstance(): a lazy object of the context (the user) would be asked its class.
            if issubclass(type(value), BaseForm) and value.is_bound and id(value) not in seen:
                seen.add(id(value))
                found.append(value)
    return found


def page_has_errors(context) -> bool:
    """True when the page shows a refusal: a bound form with errors, a page's own list of `errors` (a
    document's body, a structure's keys file), or an error message."""
    if any(form.errors for form in _forms_in(context)):
        return True
    own = context.get("errors")
    if own and isinstance(own, (list, tuple)):
        return True
    request = context.get("request")
    storage = getattr(request, "_messages", None)
    if storage is not None:
        # Reading the storage twice in one request gives the same messages (the page still shows them).
        return any(message.level >= messages.ERROR for message in storage)
    return False


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """« Erreur : » before the page title when the page comes back with a refusal (RGAA 8.6)."""
    return "Erreur : " if page_has_errors(context) else ""


@register.simple_tag
def error_links(form) -> list[tuple[str, str, str]]:
    """(href, label, message) for each error of `form`, in the order of its fields: the summary's links.
    A radio or checkbox group links to its first choice (the group has no element of its own id)."""
    items = []
    for message in form.non_field_errors():
        items.append(("", "", message))
    for name, field in form.fields.items():
        if name not in form.errors or field.widget.is_hidden:
            continue
        bound = form[name]
        target = bound.id_for_label or (f"{bound.auto_id}_0" if bound.auto_id else "")
        for message in form.errors[name]:
            items.append((f"#{target}" if target else "", str(field.label or name), message))
    for name in form.errors:  # errors on hidden or unknown fields: listed without a link
        if name != "__all__" and (name not in form.fields or form.fields[name].widget.is_hidden):
            items.extend(("", "", message) for message in form.errors[name])
    return items
