"""publish_national: this instance's own figures, through the one publication module (audience national),
stored by the same validation as an import; the file the `indicators` command prints is the same bytes."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from parcours.national.models import Origin, Release
from parcours.stats import registry
from parcours.stats.publication import Audience, measures_for

pytestmark = pytest.mark.django_db


def test_publish_national_stores_the_national_export_of_each_departement(departement, capsys):
    year = timezone.localdate().year - 1
    call_command("publish_national", "--year", str(year))
    release = Release.objects.get()
    assert (release.departement_code, release.year, release.origin) == (departement.code, year, Origin.LOCAL)
    assert "publication enregistrée" in capsys.readouterr().out
    published = {m.code for m in measures_for(Audience.NATIONAL, own_organisation=False)}
    assert set(release.figures.values_list("indicator", flat=True)) == published
    # Nothing reserved to the secretariat's own screen reaches the store.
    assert not any(registry.get(code).secretariat_only for code in published)
    # The same bytes as `manage.py indicators --audience national --format json`.
    out = io.StringIO()
    call_command(
        "indicators",
        "--departement",
        departement.code,
        "--year",
        str(year),
        "--audience",
        "national",
        stdout=out,
    )
    assert release.sha256 == hashlib.sha256(out.getvalue().encode()).hexdigest()
    call_command("publish_national", "--year", str(year), "--departement", departement.code)
    assert "rien n'a changé" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "deux"], "Année invalide"),
        (["--year", "1999"], "L'année doit être comprise"),
        (["--year", "2024", "--departement", "00"], "Département inconnu"),
    ],
)
def test_publish_national_bad_input_is_a_french_message(departement, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("publish_national", *args)
    assert not Release.objects.exists()
