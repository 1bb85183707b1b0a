"""Keys that resist insiders, server side: the phrase is generated in the secretariat's browser and only the
fact is recorded; the key page's scripts carry subresource integrity; the offline calculator is built from
the same sources, makes no request, and its SHA-256 is the one published on the page and in the docs."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parcours.core.models import AuditEvent
from parcours.core.templatetags import integrity
from parcours.diagnostic import offline, services
from parcours.diagnostic.models import CampaignState
from tests.conftest import client_for
from tests.views.helpers import assert_unchanged, db_snapshot

from ..factories import CampaignFactory, ParticipantFactory, open_invitation

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "parcours" / "static"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "diagnostic.md"


@pytest.fixture
def sec(actors):
    return client_for(actors["secretariat"])


class Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.json: dict[str, str] = {}
        self._json_id = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/json":
            self._json_id = attrs.get("id")
        elif tag == "script":
            self.scripts.append(attrs)

    def handle_data(self, data):
        if self._json_id:
            self.json[self._json_id] = data

    def handle_endtag(self, tag):
        if tag == "script":
            self._json_id = None


def scripts_of(response) -> Scripts:
    parser = Scripts()
    parser.feed(response.content.decode())
    return parser


def sha384(path: Path) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


# --- The phrase, generated in the browser ---


def test_the_draft_campaign_page_offers_the_generator_and_records_only_that_a_phrase_was_generated(
    sec, actors, departement
):
    campaign = CampaignFactory(draft=True, without_phrase=True, departement=departement)
    ParticipantFactory(campaign=campaign)
    page = reverse("diagnostic:campaign", args=[campaign.public_id])
    response = sec.get(page)
    body = response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert 'data-testid="phrase-generate"' in body and "Générer la phrase secrète" in body
    assert "Aucune phrase secrète n&#x27;a encore été générée" in body
    parsed = scripts_of(response)
    assert '"abaisser"' in parsed.json["parcours-phrase-words"]
    assert {s["src"].rsplit("/", 1)[1] for s in parsed.scripts if "phrase" in s.get("src", "")} == {
        "phrase.js",
        "phrase_generator.js",
    }

    answer = sec.post(reverse("diagnostic:phrase_generated", args=[campaign.public_id]))
    assert answer.status_code == 200
    campaign.refresh_from_db()
    assert campaign.phrase_generated_by == actors["secretariat"].user
    assert abs((timezone.now() - campaign.phrase_generated_at).total_seconds()) < 60
    assert answer.json()["message"].startswith(
        f"Phrase secrète générée le {timezone.localtime(campaign.phrase_generated_at):%d/%m/%Y à %Hh%M} par "
    )
    assert "ne peut pas la réafficher" in answer.json()["message"]
    event = AuditEvent.objects.get(object_id=str(campaign.public_id), action="update")
    assert event.detail == "phrase secrète générée dans le navigateur (non transmise)"
    # Reloaded: the date and author are shown, never a phrase (the server has none), and a new phrase asks
    # for confirmation.
    body = sec.get(page).content.decode()
    assert "Phrase secrète générée le" in body and "data-confirm=" in body
    # Now the campaign can open.
    sec.post(reverse("diagnostic:open", args=[campaign.public_id]))
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.OPEN


def test_an_open_campaign_keeps_its_phrase(sec, departement):
    campaign = CampaignFactory(departement=departement)
    before = campaign.phrase_generated_at
    body = sec.get(reverse("diagnostic:campaign", args=[campaign.public_id])).content.decode()
    assert 'data-testid="phrase-generate"' not in body and "phrase_generator.js" not in body
    before_post = db_snapshot()
    answer = sec.post(reverse("diagnostic:phrase_generated", args=[campaign.public_id]))
    assert_unchanged(before_post)
    assert answer.status_code == 409
    assert answer.json()["message"].startswith(
        "La phrase secrète ne peut plus être changée : la campagne est"
    )
    campaign.refresh_from_db()
    assert campaign.phrase_generated_at == before


def test_a_campaign_without_a_generated_phrase_does_not_open(actors, departement):
    campaign = CampaignFactory(draft=True, without_phrase=True, departement=departement)
    ParticipantFactory(campaign=campaign)
    with pytest.raises(Exception, match="Générez la phrase secrète de la campagne avant de l'ouvrir"):
        services.open_campaign(actors["secretariat"], campaign, today=timezone.localdate())
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.DRAFT


def test_the_recording_refuses_other_roles_and_get(actors, departement):
    campaign = CampaignFactory(draft=True, without_phrase=True, departement=departement)
    url = reverse("diagnostic:phrase_generated", args=[campaign.public_id])
    assert client_for(actors["secretariat"]).get(url).status_code == 405
    for role in ("association_worker", "commission_member", "signatory"):
        assert client_for(actors[role]).post(url).status_code == 403
    assert Client().post(url).status_code == 302  # to the login page
    campaign.refresh_from_db()
    assert campaign.phrase_generated_at is None


# --- Subresource integrity of the key page ---


def test_the_key_page_scripts_carry_the_integrity_of_their_files():
    participant = ParticipantFactory(campaign=CampaignFactory())
    client = Client()
    open_invitation(client, participant)
    response = client.get(reverse("diagnostic:key_list"))
    parsed = scripts_of(response)
    ours = [s for s in parsed.scripts if "/static/parcours/" in s.get("src", "")]
    names = [s["src"].split("/static/", 1)[1] for s in ours]
    # The page's own scripts, then base.html's (errors in view, docs/saisies.md): each with its integrity.
    assert names == [
        "parcours/phrase.js",
        "parcours/linkage.js",
        "parcours/diagnostic_list.js",
        "parcours/errors.js",
    ]
    for script, name in zip(ours, names, strict=True):
        assert script["integrity"] == sha384(STATIC / name), name
        # Data a script fetches (linkage.js's table: data-translit, data-translit-integrity) is checked too.
        for attribute, value in script.items():
            if attribute.startswith("data-") and attribute.endswith("-integrity"):
                fetched = script[attribute.removesuffix("-integrity")].split("/static/", 1)[1]
                assert value == sha384(STATIC / fetched), fetched
    # The page's word list is the shared file's.
    assert '"zoologie"' in parsed.json["parcours-phrase-words"]


def test_the_integrity_follows_a_changed_file(tmp_path, monkeypatch):
    script = tmp_path / "x.js"
    script.write_text("var a = 1;\n", encoding="utf-8")
    monkeypatch.setattr(integrity.finders, "find", lambda path: str(script))
    first = integrity.integrity_of("parcours/x.js")
    assert first == sha384(script)
    script.write_text("var a = 2; // altered\n", encoding="utf-8")
    assert integrity.integrity_of("parcours/x.js") == sha384(script) != first


# --- The offline calculator ---


def test_the_committed_calculator_is_the_build_of_the_current_sources():
    built = offline.build()
    assert built == offline.build()  # deterministic
    assert (STATIC / offline.OUTPUT).read_bytes() == built, "python manage.py build_offline_calculator"
    call_command("build_offline_calculator", "--check")


def test_the_published_hash_is_the_files_on_the_page_and_in_the_docs():
    digest = hashlib.sha256((STATIC / offline.OUTPUT).read_bytes()).hexdigest()
    assert f"SHA-256 du calculateur hors ligne : `{digest}`" in DOCS.read_text(encoding="utf-8")
    participant = ParticipantFactory(campaign=CampaignFactory())
    client = Client()
    open_invitation(client, participant)
    body = client.get(reverse("diagnostic:key_list")).content.decode()
    assert f'<code data-testid="offline-calculator-sha256">{digest}</code>' in body
    assert 'href="/static/parcours/calculateur-cles-hors-ligne.html"' in body


def test_the_calculator_makes_no_request_and_holds_every_source():
    """No network API but `fetch`, no external address, no script or style to load: everything is inline, and
    the file's Content-Security-Policy forbids any connection. `fetch(` may appear in a shared script's
    fallback (linkage.js fetches its table when the page does not embed it; the calculator embeds it): the
    policy makes such a call fail, as the browser test checks from file:// (tests/browser/test_phrase.py).
    """
    html = (STATIC / offline.OUTPUT).read_text(encoding="utf-8")
    network = (
        "XMLHttpRequest",
        "sendBeacon",
        "WebSocket",
        "EventSource",
        "import(",
        "<link",
        "<iframe",
        "<img",
    )
    for forbidden in network:
        assert forbidden not in html, forbidden
    assert not re.search(r"""(src|href|action)\s*=\s*["']?(https?:)?//""", html, re.IGNORECASE)
    assert not re.search(r"<script[^>]*\ssrc=", html, re.IGNORECASE)
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1)
    csp = csp.replace("&#x27;", "'")
    assert csp.startswith("default-src 'none'; script-src 'sha256-") and "connect-src 'none'" in csp
    assert "unsafe" not in csp
    for name in offline.SCRIPTS:
        assert (STATIC / name).read_text(encoding="utf-8") in html, name
    for element_id, _, _ in offline.DATA:
        assert f'<script type="application/json" id="{element_id}">' in html
    assert '"abaisser"' in html and '"zoologie"' in html


def test_the_build_refuses_a_source_that_would_close_its_element(monkeypatch):
    real = offline._read
    monkeypatch.setattr(offline, "_read", lambda name: real(name) + "\n// </script><script>alert(1)")
    with pytest.raises(offline.BuildError, match="ne peut pas être inclus"):
        offline.build()


def test_the_check_command_fails_when_the_docs_hash_is_stale(monkeypatch):
    monkeypatch.setattr(offline, "documented_sha256", lambda: "0" * 64)
    with pytest.raises(CommandError, match="L'empreinte publiée dans docs/diagnostic.md"):
        call_command("build_offline_calculator", "--check")
