"""import_national --url --token: the national instance pulls a departmental instance's export over HTTP,
with the export token that instance issued (a live server plays the departmental instance)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from parcours.national import services
from parcours.national.models import Origin, Release, TokenKind
from tests.browser.conftest import _flushable_on_sqlite  # noqa: F401 (autouse: the live server commits)
from tests.national.helpers import MEETINGS


def test_import_national_pulls_a_departmental_export_with_its_token(live_server, departement, capsys):
    """One server plays the departmental instance (its export API) and the national one (the command)."""
    _, key = services.issue_token(kind=TokenKind.EXPORT, name="Instance nationale", departement=departement)
    year = timezone.localdate().year - 1
    url = f"{live_server.url}{reverse('api:export', kwargs={'year': str(year)})}"
    call_command("import_national", "--url", url, "--token", key)
    release = Release.objects.get()
    assert (release.departement_code, release.year, release.origin) == (departement.code, year, Origin.IMPORT)
    assert release.figures.filter(indicator=MEETINGS).exists()
    call_command("import_national", "--url", url, "--token", key)
    assert "rien n'a changé" in capsys.readouterr().out
    with pytest.raises(CommandError, match="401"):
        call_command("import_national", "--url", url, "--token", "faux")


def test_issued_keys_never_start_like_a_command_line_option(departement, monkeypatch):
    """A key is typed after `--token`: one beginning with « - » was refused by the command line (argparse)."""
    import secrets as secrets_module

    drawn = iter(["-dash-first", "sans-tiret"])
    monkeypatch.setattr(secrets_module, "token_urlsafe", lambda n: next(drawn))
    _, key = services.issue_token(kind=TokenKind.EXPORT, name="Instance nationale", departement=departement)
    assert key == "sans-tiret"
