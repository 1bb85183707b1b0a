"""The filters' `<option>`s written by one tag (parcours_tags.select_options): the chosen one marked, labels
and values escaped, whatever the type of the value the page compares with."""

from django.template import Context, Template


def render(choices, selected) -> str:
    template = Template("{% load parcours_tags %}{% select_options choices selected %}")
    return template.render(Context({"choices": choices, "selected": selected}))


def test_the_chosen_option_is_marked_and_only_it():
    html = render([("active", "Autorisé"), ("ended", "Terminé")], "ended")
    assert html == '<option value="active">Autorisé</option><option value="ended" selected>Terminé</option>'


def test_nothing_is_marked_without_a_choice_and_values_and_labels_are_escaped():
    html = render([('"><script>', "<b>Étiquette</b> & co")], "")
    assert html == ('<option value="&quot;&gt;&lt;script&gt;">&lt;b&gt;Étiquette&lt;/b&gt; &amp; co</option>')


def test_a_number_from_the_query_string_selects_its_option():
    assert render([(2025, "2025"), (2026, "2026")], "2026").endswith(
        '<option value="2026" selected>2026</option>'
    )


def test_a_label_already_safe_is_not_escaped_twice_and_a_lazy_one_is_escaped():
    from django.utils.functional import lazy
    from django.utils.safestring import mark_safe

    lazy_label = lazy(lambda: "Rupture & retour", str)()
    html = render([("a", mark_safe("<abbr>AFIS</abbr>")), ("b", lazy_label)], "b")
    assert html == (
        '<option value="a"><abbr>AFIS</abbr></option><option value="b" selected>Rupture &amp; retour</option>'
    )
