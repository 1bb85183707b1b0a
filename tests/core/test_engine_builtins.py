"""The template engine's builtins of Parcours (parcours.core.templatetags.engine_builtins): `{% url %}` and
`cached_reverse` (the URL of UUID arguments built from a pattern kept per process) and the `date` filter, each
the same text as Django's."""

import datetime
import uuid
import zoneinfo

import pytest
from django.template import Context, Template, TemplateSyntaxError, defaultfilters
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse, set_script_prefix
from django.urls.converters import UUIDConverter
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.core import urls_cache
from parcours.core.templatetags import engine_builtins
from parcours.core.templatetags.engine_builtins import CachedURLNode
from parcours.core.urls_cache import cached_reverse


def _uuid_urls(patterns=None, namespace=""):
    """(name, number of arguments) of every named URL whose arguments are all UUIDs, namespaces included."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _uuid_urls(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = entry.pattern.converters
            if converters and all(isinstance(c, UUIDConverter) for c in converters.values()):
                found.append((f"{namespace}{entry.name}", tuple(converters)))
    return found


UUID_URLS = _uuid_urls()


def test_parcours_has_urls_of_one_and_of_two_uuids():
    """The property below covers the URLs of one object and of an object within another."""
    assert len({len(names) for _, names in UUID_URLS} & {1, 2}) == 2
    assert len(UUID_URLS) > 100


@settings(max_examples=25)
@given(ids=st.lists(st.uuids(), min_size=3, max_size=3))
def test_every_url_of_uuids_is_the_one_reverse_prints(ids):
    """Each URL of Parcours with UUID arguments, by position and by name, twice (the pattern is kept after
    the first call): the text of Django's `reverse()`, whatever the UUIDs."""
    for name, params in UUID_URLS:
        args = ids[: len(params)]
        kwargs = dict(zip(params, args, strict=True))
        for _ in range(2):
            assert cached_reverse(name, args=args) == reverse(name, args=args)
            assert cached_reverse(name, kwargs=kwargs) == reverse(name, kwargs=kwargs)


def test_two_objects_are_two_urls_with_one_pattern():
    first, second = uuid.uuid4(), uuid.uuid4()
    a = cached_reverse("pathways:detail", args=[first])
    b = cached_reverse("pathways:detail", args=[second])
    assert a == f"/parcours/{first}/" and b == f"/parcours/{second}/"


def test_the_script_prefix_is_part_of_the_pattern():
    """Served under a prefix (a sub-path behind a proxy): each prefix its own pattern."""
    pathway = uuid.uuid4()
    plain = cached_reverse("pathways:detail", args=[pathway])
    set_script_prefix("/sous-chemin/")
    try:
        assert cached_reverse("pathways:detail", args=[pathway]) == f"/sous-chemin{plain}"
        assert cached_reverse("home") == reverse("home") == "/sous-chemin/"
    finally:
        set_script_prefix("/")
    assert cached_reverse("pathways:detail", args=[pathway]) == plain


def test_other_arguments_are_reversed_each_time():
    """A text or a number is not a UUID: `reverse()` decides, its error included, and nothing is kept."""
    kept = urls_cache._pattern.cache_info().currsize
    with pytest.raises(NoReverseMatch):
        cached_reverse("pathways:detail", args=["pas-un-identifiant"])
    with pytest.raises(NoReverseMatch):
        cached_reverse("pathways:detail", args=[12])
    assert urls_cache._pattern.cache_info().currsize == kept


def test_an_unknown_name_raises_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        cached_reverse("pathways:nothing-of-that-name", args=[uuid.uuid4()])


def test_the_url_tag_of_every_template_is_the_cached_one():
    """A builtin of the engine: `{% url %}` without `{% load %}` is ours, with Django's syntax."""
    template = Template(
        "{% url 'pathways:detail' pk %}|{% url 'pathways:detail' pk=pk as link %}[{{ link }}]"
    )
    assert any(isinstance(node, CachedURLNode) for node in template.nodelist)
    pathway = uuid.uuid4()
    assert template.render(Context({"pk": pathway})) == f"/parcours/{pathway}/|[/parcours/{pathway}/]"


def test_the_url_tag_keeps_django_s_errors():
    """Unknown name: an error, or nothing with `as var`, as Django's tag does; a tag without a name is a
    syntax error."""
    with pytest.raises(NoReverseMatch):
        Template("{% url 'nothing-of-that-name' %}").render(Context())
    assert Template("{% url 'nothing-of-that-name' as link %}[{{ link }}]").render(Context()) == "[]"
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")


@settings(max_examples=200)
@given(
    value=st.one_of(
        st.dates(),
        st.datetimes(timezones=st.sampled_from([datetime.UTC, zoneinfo.ZoneInfo("Pacific/Kiritimati")])),
        st.datetimes(),
        st.none(),
        st.just(""),
        st.text(max_size=5),
    ),
    arg=st.sampled_from(["d/m/Y", "d/m/Y à H\\hi", "j F Y", "Y", None]),
)
def test_the_date_filter_prints_what_django_s_prints(value, arg):
    """The builtin `date` filter, "d/m/Y" written directly: the same text as Django's for every value,
    an aware datetime printed in the current time zone (Europe/Paris) as Django's is."""
    from django.template import engines

    fmt = "" if arg is None else f':"{arg}"'
    django_engine = engines["django"].engine
    plain = Template("{{ value|date" + fmt + " }}", engine=_engine_without_builtins(django_engine))
    ours = Template("{{ value|date" + fmt + " }}")
    assert ours.nodelist[0].filter_expression.filters[0][0] is engine_builtins.date
    assert plain.nodelist[0].filter_expression.filters[0][0] is defaultfilters.date
    outcomes = []
    for template in (ours, plain):
        try:
            outcomes.append(template.render(Context({"value": value})))
        except TypeError as exc:  # Django's own refusal (a time format for a date) is kept as it is
            outcomes.append(type(exc))
    assert outcomes[0] == outcomes[1]


def _engine_without_builtins(engine):
    """The same engine without Parcours's builtins: Django's own `date` and `url`."""
    from django.template import Engine

    return Engine(dirs=engine.dirs, app_dirs=engine.app_dirs, libraries=engine.libraries)


def test_extends_renders_what_django_s_renders_through_three_levels():
    """`{% extends %}`: the root's blocks kept per compiled template; the same text as Django's tag for a
    root, a middle and a leaf template (block.super, a block only the root has, one the leaf overrides),
    rendered twice; the same checks (first tag, only once)."""
    from django.template import Engine

    from parcours.core.templatetags.engine_builtins import CachedExtendsNode

    sources = {
        "root.html": "[{% block head %}root-head{% endblock %}|{% block body %}root-body{% endblock %}"
        "|{% block foot %}root-foot{% endblock %}]",
        "middle.html": "{% extends 'root.html' %}{% block body %}middle({{ block.super }}){% endblock %}",
        "leaf.html": "{% extends 'middle.html' %}{% block body %}leaf<{{ block.super }}>{% endblock %}"
        "{% block foot %}{{ who }}{% endblock %}",
    }

    def engine(builtins):
        locmem = ("django.template.loaders.locmem.Loader", sources)
        return Engine(loaders=[("django.template.loaders.cached.Loader", [locmem])], builtins=builtins)

    ours = engine(["parcours.core.templatetags.engine_builtins"])
    django_only = engine([])
    leaf = ours.get_template("leaf.html")
    assert isinstance(leaf.nodelist[0], CachedExtendsNode)
    for name in ("leaf.html", "middle.html", "root.html"):
        for who in ("a", "b"):
            expected = django_only.get_template(name).render(Context({"who": who}))
            assert ours.get_template(name).render(Context({"who": who})) == expected
    assert leaf.render(Context({"who": "x"})) == "[root-head|leaf<middle(root-body)>|x]"
    not_first, twice = (
        "{% block a %}{% endblock %}{% extends 'root.html' %}",
        "{% extends 'a' %}{% extends 'b' %}",
    )
    for wrong in (not_first, twice):
        with pytest.raises(TemplateSyntaxError):
            ours.from_string(wrong)
