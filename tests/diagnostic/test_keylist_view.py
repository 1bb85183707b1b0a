"""The structure's list page, reached through its invitation token without logging in: it receives keys only,
refuses anything carrying an identity, and never shows a name back."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.diagnostic import rules
from parcours.diagnostic.models import KeyList, LinkageRecord

from ..factories import (
    CampaignFactory,
    ParticipantFactory,
    fake_key,
    give_key_list,
    key_payload,
    open_invitation,
    stored_key,
)

pytestmark = pytest.mark.django_db

CANARIES = ("Zorvalenne", "Quistrabel", "12/06/1994", "1994-06-12")
IDENTITY_PAYLOAD = (
    "nom;prenom;date_naissance;sexe\nZorvalenne;Ilona;12/06/1994;F\nQuistrabel;Maëlle;1994-06-12;F\n"
)


def url_of(participant) -> str:
    """The list page: one address for every structure (the session, bound by the link, names it)."""
    return reverse("diagnostic:key_list")


def text(response) -> str:
    return html.unescape(response.content.decode())


def assert_no_canary(response) -> None:
    page = text(response)
    for canary in CANARIES:
        assert canary not in page, canary


class Controls(HTMLParser):
    """Every form control of the page: (tag, attributes, inside a <form>)."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.controls: list[tuple[str, dict, bool]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.depth += 1
        elif tag in {"input", "select", "textarea", "button"}:
            self.controls.append((tag, dict(attrs), self.depth > 0))

    def handle_endtag(self, tag):
        if tag == "form":
            self.depth -= 1


def controls_of(response) -> list[tuple[str, dict, bool]]:
    parser = Controls()
    parser.feed(response.content.decode())
    return parser.controls


@pytest.fixture
def participant():
    return ParticipantFactory(
        name="Accueil de jour fictif",
        campaign=CampaignFactory(code="DIAG-99-T900", title="Diagnostic fictif"),
    )


@pytest.fixture
def client(client, participant):
    """The structure's browser, after following its invitation link."""
    open_invitation(client, participant)
    return client


def test_structure_opens_its_list_page_with_its_token_without_logging_in(client, participant):
    campaign = participant.campaign
    response = client.get(url_of(participant))
    assert response.status_code == 200
    page = text(response)
    assert "Accueil de jour fictif" in page
    assert "Diagnostic fictif" in page and "DIAG-99-T900" in page
    assert f"Date de référence des âges</dt><dd>{campaign.period_end:%d/%m/%Y}" in page
    assert "Aucune liste transmise pour l'instant." in page
    assert "Les noms ne quittent pas votre ordinateur" in page
    assert "parcours-linkage-keys" in page
    assert "<noscript>" in page
    assert f'href="{reverse("diagnostic:respond")}"' in page
    # The script gets the campaign through data- attributes (CSP: no inline script).
    assert 'data-campaign-code="DIAG-99-T900"' in page
    assert f'data-reference-date="{campaign.period_end:%Y-%m-%d}"' in page
    assert "<script>" not in page


def test_identity_inputs_have_no_name_and_are_outside_the_form(client, participant):
    controls = controls_of(client.get(url_of(participant)))
    named = {attrs["name"]: inside for _, attrs, inside in controls if "name" in attrs}
    # Only the keys are in the form; the date-order radios (not identifying) are outside it: never sent.
    assert named == {"csrfmiddlewaretoken": True, "payload": True, "date-order": False}
    radios = [attrs for _, attrs, _ in controls if attrs.get("name") == "date-order"]
    assert [r["value"] for r in radios] == ["dm", "md"] and all(r["type"] == "radio" for r in radios)
    identity = [
        attrs for _, attrs, _ in controls if attrs.get("data-field") or attrs.get("id") == "list-file"
    ]
    assert len(identity) == 6  # the file input, then nom, prenom, date, sexe, en_ligne of the row template
    assert all("name" not in attrs for attrs in identity)
    phrase = next(attrs for _, attrs, _ in controls if attrs.get("id") == "phrase")
    assert phrase["type"] == "password" and phrase["autocomplete"] == "off" and "name" not in phrase
    assert not next(inside for _, attrs, inside in controls if attrs.get("id") == "phrase")
    send = next(attrs for _, attrs, _ in controls if attrs.get("id") == "send")
    assert "disabled" in send  # nothing to send before the keys are computed


@pytest.mark.parametrize("method", ["get", "post"])
def test_without_a_link_opened_in_this_browser_the_page_is_refused(participant, method):
    from django.test import Client

    response = getattr(Client(), method)(url_of(participant), {"payload": key_payload(["a"])})
    assert response.status_code == 403
    assert "ouvrez votre lien" in text(response)
    assert not KeyList.objects.exists()


def test_posting_keys_stores_the_list_and_the_page_says_so(client, participant):
    response = client.post(url_of(participant), {"payload": key_payload(["a", "b", "a"], online=True)})
    assert response.status_code == 302 and response["Location"] == url_of(participant)
    key_list = KeyList.objects.get(participant=participant)
    assert (key_list.row_count, key_list.duplicate_count) == (2, 1)
    records = LinkageRecord.objects.filter(key_list=key_list)
    campaign = participant.campaign
    assert sorted(records.values_list("keys", flat=True)) == sorted(
        [stored_key(campaign, "a"), stored_key(campaign, "b")]
    )
    assert all(r.online and r.age_band == "25_34" and r.sex == "2" for r in records)
    page = text(client.get(url_of(participant)))
    assert "Liste enregistrée : 2 personnes transmises, 1 doublon écarté. Merci." in page
    assert f"2 personnes transmises le {timezone.localtime(key_list.created_at):%d/%m/%Y}" in page
    assert "1 doublon écarté." in page
    assert "Retirer la liste transmise" in page

    client.post(url_of(participant), {"payload": key_payload(["c"], age_band="lt18")})
    key_list = KeyList.objects.get(participant=participant)  # replaced, not added to
    assert list(key_list.records.values_list("keys", "age_band")) == [(stored_key(campaign, "c"), "lt18")]


def test_several_keys_per_row_are_stored_re_keyed_and_the_rows_set_aside_are_shown(client, participant):
    payload = key_payload([("a1", "a2", "a3"), ("b1", "b2")], set_aside=3).replace(
        "#LK2 lignes_ecartees=3", "#LK2 lignes_ecartees=3;date_absente=2;ecriture_non_prise_en_charge=1"
    )
    response = client.post(url_of(participant), {"payload": payload}, follow=True)
    page = text(response)
    assert "Liste enregistrée : 2 personnes transmises, 3 lignes écartées sur votre poste. Merci." in page
    assert "3 lignes écartées sur votre poste" in page
    key_list = KeyList.objects.get(participant=participant)
    assert key_list.rows_set_aside == 3
    assert key_list.set_aside_reasons == {"date_absente": 2, "ecriture_non_prise_en_charge": 1}
    stored = sorted(LinkageRecord.objects.values_list("keys", flat=True))
    campaign = participant.campaign
    assert stored == sorted(
        [
            " ".join(stored_key(campaign, k) for k in ("a1", "a2", "a3")),
            " ".join(stored_key(campaign, k) for k in ("b1", "b2")),
        ]
    )
    # The database holds no key as the structure computed it.
    assert not any(fake_key(k) in " ".join(stored) for k in ("a1", "a2", "a3", "b1", "b2"))


def test_a_list_of_names_is_refused_nothing_is_stored_and_nothing_is_echoed(client, participant):
    give_key_list(participant, ["avant"])
    for payload in (
        IDENTITY_PAYLOAD,
        # keys, but with the names still there
        "cle,tranche_age,mineur,sexe,en_ligne,nom\n" + f"{fake_key('x')},25_34,non,2,non,Zorvalenne\n",
        "#LK2 lignes_ecartees=0\ncles,tranche_age,mineur,sexe,en_ligne,nom\n"
        + f"{fake_key('x')},25_34,non,2,non,Zorvalenne\n",
    ):
        response = client.post(url_of(participant), {"payload": payload})
        assert response.status_code == 200
        page = text(response)
        assert "Ce fichier contient des noms ou des dates de naissance : il n'a pas été enregistré." in page
        assert_no_canary(response)
        # the refused payload is not put back in the form either
        assert (
            '<textarea id="payload" name="payload" readonly hidden></textarea>' in response.content.decode()
        )
    assert list(LinkageRecord.objects.values_list("keys", flat=True)) == [
        stored_key(participant.campaign, "avant")
    ]


def test_a_bad_line_is_reported_by_its_number_never_its_content(client, participant):
    payload = key_payload(["a"]) + "Zorvalenne,25_34,non,2,non\n"
    response = client.post(url_of(participant), {"payload": payload})
    assert response.status_code == 200
    assert "Lignes illisibles : 4. Rien n'a été enregistré." in text(response)
    assert_no_canary(response)
    assert not KeyList.objects.exists()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("", "La liste est vide."),
        ("   \n\n", "La liste est vide."),
        (
            "#LK2 lignes_ecartees=0\ncles;sexe\n" + fake_key("a") + ";2\n",
            "Colonnes manquantes dans la liste de clés : tranche_age, en_ligne.",
        ),
        ("\x00\x01\x02 garbage", "Ce fichier n'est pas un fichier de clés"),
        (
            "#LK2 lignes_ecartees=0\ncles,tranche_age,sexe,en_ligne\n" + "x" * 200_000,
            "La liste de clés est illisible : rien n'a été enregistré.",
        ),
        (
            "cle,tranche_age,mineur,sexe,en_ligne\n" + fake_key("a") + ",25_34,non,2,non\n",
            "Ce fichier de clés a été calculé avec l'ancien schéma (LK1) : il n'est plus accepté.",
        ),
        (
            "#LK2\ncles,tranche_age,mineur,sexe,en_ligne\n" + fake_key("a") + ",25_34,non,2,non\n",
            "La première ligne du fichier de clés doit être « #LK2 lignes_ecartees=<nombre> »",
        ),
        (
            "#LK2 lignes_ecartees=-1\ncles,tranche_age,mineur,sexe,en_ligne\n"
            + fake_key("a")
            + ",25_34,non,2,non\n",
            "La première ligne du fichier de clés doit être",
        ),
        (
            key_payload([tuple(f"k{i}" for i in range(rules.MAX_KEYS_PER_ROW + 1))]),
            "Lignes illisibles : 3.",
        ),
        (
            key_payload(f"p{i}" for i in range(rules.MAX_LIST_ROWS + 1)),
            f"La liste dépasse {rules.MAX_LIST_ROWS} personnes",
        ),
    ],
    ids=[
        "empty",
        "blank",
        "missing-columns",
        "binary",
        "huge-field",
        "lk1",
        "no-set-aside-count",
        "negative-set-aside",
        "too-many-keys",
        "too-many-rows",
    ],
)
def test_garbage_gets_a_french_error_and_changes_nothing(client, participant, payload, message):
    give_key_list(participant, ["avant"])
    response = client.post(url_of(participant), {"payload": payload})
    assert response.status_code == 200
    assert message in text(response)
    assert 'data-testid="list-errors"' in response.content.decode()
    assert list(LinkageRecord.objects.values_list("keys", flat=True)) == [
        stored_key(participant.campaign, "avant")
    ]


def test_a_payload_beyond_the_request_size_limit_is_refused_in_french(client, participant, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post(url_of(participant), {"payload": key_payload(f"p{i}" for i in range(200))})
    assert response.status_code == 400
    assert "Requête invalide" in text(response)
    assert not KeyList.objects.exists()


def test_withdrawing_the_list(client, participant):
    give_key_list(participant, ["a", "b"])
    response = client.post(url_of(participant), {"action": "withdraw"}, follow=True)
    assert response.redirect_chain == [(url_of(participant), 302)]
    page = text(response)
    assert "La liste transmise a été retirée." in page
    assert "Aucune liste transmise pour l'instant." in page
    assert not KeyList.objects.exists() and not LinkageRecord.objects.exists()
    again = client.post(url_of(participant), {"action": "withdraw"}, follow=True)
    assert "Aucune liste n'était transmise" in text(again)


@pytest.mark.parametrize(
    ("trait", "notice"),
    [
        ("closed", "Les réponses ne sont plus acceptées."),
        ("draft", "Les réponses ne sont pas encore acceptées"),
    ],
)
def test_a_campaign_not_open_shows_no_form_and_refuses_any_post(client, participant, trait, notice):
    give_key_list(participant, ["a"])  # sent while the campaign was open
    participant.campaign.state = trait
    participant.campaign.save()
    response = client.get(url_of(participant))
    assert response.status_code == 200
    page = text(response)
    assert notice in page
    assert "1 personne transmise le" in page
    assert all("name" not in attrs for _, attrs, _ in controls_of(response) if attrs.get("type") != "hidden")
    assert "payload" not in page and "Retirer la liste transmise" not in page
    assert "diagnostic_list.js" not in page

    for data in ({"payload": key_payload(["b"])}, {"action": "withdraw"}):
        refused = client.post(url_of(participant), data)
        assert refused.status_code == 200
        assert "La campagne n'est pas ouverte : les réponses ne sont plus acceptées." in text(refused)
    assert list(LinkageRecord.objects.values_list("keys", flat=True)) == [
        stored_key(participant.campaign, "a")
    ]


def test_a_full_list_of_5000_rows_of_six_keys_is_accepted_as_the_browser_posts_it(client, participant):
    """The largest list a structure may send (rules.MAX_LIST_ROWS rows, six LK2 keys each, as the page
    computes them) fits in one request: the request size limit must not refuse what the rules accept."""
    rows = [tuple(f"r{i}-{k}" for k in range(6)) for i in range(rules.MAX_LIST_ROWS)]
    from urllib.parse import urlencode

    payload = key_payload(rows, age_band="35_plus", online=True).replace(
        "\n", "\r\n"
    )  # a form field's line breaks, as browsers send them
    response = client.post(
        url_of(participant),
        urlencode({"payload": payload}),
        content_type="application/x-www-form-urlencoded",  # the page's form, not a file upload
    )
    assert response.status_code == 302, response.status_code
    assert KeyList.objects.get(participant=participant).row_count == rules.MAX_LIST_ROWS
