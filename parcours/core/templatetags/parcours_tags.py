from django import template
from django.utils.html import format_html

register = template.Library()


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


@register.filter
def field_group(form, name):
    """`{{ form|field_group:"name" }}`: the DSFR field group of one field of `form`."""
    return form[name].as_field_group()
