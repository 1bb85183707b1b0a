"""django-dsfr's style sheets, favicon and scripts written by parcours_tags once per process (base.html)."""

import pytest
from django.template import Context, Template


@pytest.mark.parametrize("nonce", ["n0Nce-1+/=", '"<x>', ""])
def test_the_dsfr_assets_are_those_of_django_dsfr_s_tags(nonce):
    """Rendered once per process, given each request's nonce: the same text as django-dsfr's three tags."""
    library = Template(
        "{% load dsfr_tags %}{% dsfr_css %}|{% dsfr_favicon %}|{% dsfr_js nonce=nonce %}"
    ).render(Context({"nonce": nonce}))
    ours = (
        "{% load parcours_tags %}{% dsfr_css_cached %}|{% dsfr_favicon_cached %}|{% dsfr_js_cached nonce %}"
    )
    for _ in range(2):  # the first rendering fills the process's copy, the second reads it
        assert Template(ours).render(Context({"nonce": nonce})) == library
    assert ("nonce=" in library) == bool(nonce)


@pytest.mark.parametrize("path", ["parcours.css", "parcours/errors.js"])
def test_the_static_urls_of_every_page_are_those_of_the_static_tag(path, settings):
    """`{% static_cached %}` (base.html): the text of `{% static %}`, kept per static URL."""
    template = Template("{% load static parcours_tags %}{% static path %}|{% static_cached path %}")
    for _ in range(2):
        plain, cached = template.render(Context({"path": path})).split("|")
        assert cached == plain and plain.endswith(path)
    settings.STATIC_URL = "/autre-prefixe/"
    plain, cached = template.render(Context({"path": path})).split("|")
    assert cached == plain and plain.startswith("/autre-prefixe/")
