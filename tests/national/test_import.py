"""The store is filled only through a whole-file validation: a malformed export is refused whole, with a
French message listing every problem, and nothing is written; the same file twice changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from parcours.national import services
from parcours.national.models import Figure, Origin, Release
from parcours.national.services import NationalImportError
from tests.national.helpers import DELAY, MEETINGS, PEOPLE, altered, payload, raw, store

pytestmark = pytest.mark.django_db


def ingest(document):
    return services.ingest(raw=raw(document), origin=Origin.IMPORT, today=timezone.localdate())


def test_a_valid_export_is_stored_cell_by_cell():
    release = store(active=40, meetings=6)
    assert (release.departement_code, release.departement_name, release.audience) == (
        "69",
        "Rhône",
        "national",
    )
    totals = {f.indicator: f for f in release.figures.filter(breakdown="")}
    assert totals[PEOPLE].value == 40 and not totals[PEOPLE].secret
    assert totals[MEETINGS].value == 6
    assert float(totals[DELAY].value) == 35.5
    women = release.figures.get(indicator=PEOPLE, breakdown="sex", cell_label="Femme")
    assert women.value == 40


def test_the_same_file_twice_changes_nothing_and_says_so():
    document = payload()
    first = ingest(document)
    assert first.status == "created"
    received_at, figures = first.release.received_at, list(Figure.objects.values_list("pk", flat=True))
    again = ingest(document)
    assert again.status == "unchanged"
    assert "rien n'a changé" in again.message
    again.release.refresh_from_db()
    assert again.release.received_at == received_at
    assert list(Figure.objects.values_list("pk", flat=True)) == figures


def test_a_new_file_for_the_same_departement_and_year_replaces_the_release():
    store(active=40)
    result = ingest(payload(active=55))
    assert result.status == "replaced"
    assert Release.objects.count() == 1
    assert Figure.objects.get(indicator=PEOPLE, breakdown="").value == 55


def _secret_with_value(d):
    d["indicators"][0]["total"] = {"value": 40, "secret": True}


def _small_count(d):
    d["indicators"][0]["breakdowns"]["sex"][1] = {"label": "Homme", "value": 3, "secret": False}


def _no_secret_key(d):
    d["indicators"][1]["total"] = {"value": 6}


MALFORMED = {
    "format": (lambda d: d.update(format="autre/2"), "attendu « parcours.indicateurs/1 »"),
    "audience": (lambda d: d.update(audience="partner"), "Public « partner »"),
    "departement": (
        lambda d: d.update(departement={"code": "00", "name": "X"}),
        "Département « 00 » inconnu",
    ),
    "year": (lambda d: d.update(year=1999), "Année « 1999 »"),
    "future year": (lambda d: d.update(year=timezone.localdate().year + 1), "attendu une année de 2016"),
    "unit": (lambda d: d["indicators"][1].update(unit="heures"), "unité inconnue « heures »"),
    "secret with a value": (_secret_with_value, "une case secrète ne doit pas porter de valeur"),
    "count of 3 people not secret": (_small_count, "3 n'est pas marqué secret"),
    "cell without secret": (_no_secret_key, "une case doit avoir « value » et « secret »"),
    "threshold lowered": (lambda d: d.update(secrecy_threshold=5), "Seuil du secret statistique « 5 »"),
    "no indicators": (lambda d: d.update(indicators=[]), "« indicators » doit être une liste non vide"),
    "half a person": (
        lambda d: d["indicators"][0].update(total={"value": 40.5, "secret": False}),
        "un comptage doit être un entier positif ou nul (reçu : 40.5)",
    ),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_export_is_refused_whole_and_nothing_is_written(case):
    existing = store(active=40)
    figures = list(Figure.objects.order_by("pk").values())
    change, expected = MALFORMED[case]
    with pytest.raises(NationalImportError) as refused:
        ingest(altered(payload(active=55), change))
    assert "Fichier refusé, rien n'a été enregistré" in refused.value.message
    assert expected in refused.value.message
    assert list(Release.objects.all()) == [existing]
    assert list(Figure.objects.order_by("pk").values()) == figures


def test_a_small_count_is_allowed_for_an_indicator_that_counts_no_one():
    """Three meetings held are not three people: published as they are."""
    release = store(meetings=3)
    assert release.figures.get(indicator=MEETINGS, breakdown="").value == 3


def test_a_sum_of_hours_of_training_may_have_a_decimal():
    """actions.training_hours counts no one: 17.5 hours of cross-training is a valid figure (a département
    with a half-hour training was refused whole before)."""
    document = payload()
    document["indicators"].append(
        {
            "code": "actions.training_hours",
            "label": "Heures de formation croisée",
            "unit": "count",
            "definition": "…",
            "source": "…",
            "available": True,
            "total": {"value": 17.5, "secret": False},
            "breakdowns": {},
        }
    )
    release = ingest(document).release
    assert release.figures.get(indicator="actions.training_hours", breakdown="").value == 17.5


def test_every_problem_of_a_file_is_listed():
    document = altered(payload(), lambda d: (_small_count(d), d.update(audience="secretariat")))
    with pytest.raises(NationalImportError) as refused:
        ingest(document)
    assert len(refused.value.problems) == 2
    assert (
        "Public « secretariat »" in refused.value.message
        and "3 n'est pas marqué secret" in refused.value.message
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "n'est pas du JSON valide"),
        (b"\xff\xfe", "UTF-8"),
        (b"[1, 2]", "doit être un objet JSON"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused(content, expected):
    with pytest.raises(NationalImportError) as refused:
        services.ingest(raw=content, origin=Origin.IMPORT, today=timezone.localdate())
    assert expected in refused.value.message
    assert not Release.objects.exists()


def test_import_command_says_what_it_did_and_refuses_a_bad_file(tmp_path, capsys):
    good, bad = tmp_path / "69.json", tmp_path / "13.json"
    good.write_bytes(raw(payload()))
    bad.write_bytes(raw(altered(payload(code="13", name="Bouches-du-Rhône"), _small_count)))
    with pytest.raises(CommandError, match="1 fichier"):
        call_command("import_national", str(good), str(bad))
    out = capsys.readouterr()
    assert "69 — Rhône" in out.out and "publication enregistrée" in out.out
    assert "3 n'est pas marqué secret" in out.err
    assert list(Release.objects.values_list("departement_code", flat=True)) == ["69"]
    call_command("import_national", str(good))
    assert "rien n'a changé" in capsys.readouterr().out


def test_import_command_without_a_file_or_an_address_says_so():
    with pytest.raises(CommandError, match="au moins un fichier"):
        call_command("import_national")
    with pytest.raises(CommandError, match="introuvable"):
        call_command("import_national", "/nonexistent/file.json")
