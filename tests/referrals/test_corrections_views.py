"""Pages of the correction of a detection and of the withdrawal of a referral: the prefilled form, French
refusals with nothing saved, the « Ce qui va se passer » step, and what the association still reads."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.core.roles import Role
from parcours.referrals import services
from parcours.referrals.models import Detection, ReferralState
from tests.conftest import client_for
from tests.factories import PersonFactory
from tests.referrals.helpers import detection
from tests.views.helpers import assert_unchanged, db_snapshot, fast_static

pytestmark = pytest.mark.django_db
PA, AW, S = Role.PARTNER_ADVISOR, Role.ASSOCIATION_WORKER, Role.SECRETARIAT
CANARY = "Zorblatquix"
MESSAGE = "Jeune rencontrée au forum, préfère le soir"


@pytest.fixture(autouse=True)
def _fast(settings):
    fast_static(settings)


@pytest.fixture
def partner(actors):
    return actors[PA]


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _form_data(d: Detection, **changes) -> dict:
    data = {
        "detected_on": d.detected_on.isoformat(),
        "age_band": d.age_band,
        "birth_date": d.birth_date.isoformat() if d.birth_date else "",
        "sex": d.sex,
        "place_type": d.place_type,
        "platform_type": d.platform_type,
        "context": d.context,
        "actions_taken": d.actions_taken,
        "last_name": d.last_name,
        "first_name": d.first_name,
        "phone": d.phone,
        "indicators": [str(i.public_id) for i in d.indicators.all()],
    }
    return {**data, **changes}


def _refer(partner, association, d=None):
    today = timezone.localdate()
    return services.refer(
        actor=partner,
        detection=d or detection(partner, identity={"last_name": CANARY, "first_name": "Maëlys"}),
        association=association,
        consent_given_on=today,
        referred_on=today,
        message=MESSAGE,
        share_contact=True,
    )


# --- Correcting a detection ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [PA, S])
def test_the_form_is_prefilled_with_the_identity_and_saves_the_correction(partner, actors, role):
    d = detection(partner, identity={"last_name": CANARY, "first_name": "Maëlys", "phone": "06 12 34 56 78"})
    client = client_for(actors[role])
    page = client.get(reverse("referrals:detail", args=[d.public_id]))
    assert 'data-testid="detection-edit"' in page.content.decode()
    url = reverse("referrals:update", args=[d.public_id])
    form = client.get(url)
    assert form.status_code == 200
    assert f'value="{CANARY}"' in form.content.decode()
    assert form.context["form"]["indicators"].value() == [i.public_id for i in d.indicators.all()]
    response = client.post(url, _form_data(d, last_name="Vasquerand", place_type="street"), follow=True)
    assert f"Repérage {d.pseudonym} modifié." in _text(response)
    d.refresh_from_db()
    assert d.last_name == "Vasquerand" and d.place_type == "street"


def test_the_association_and_another_partner_get_no_edit_page(partner, actors, departement):
    from tests.referrals.helpers import other_partner

    d = detection(partner, identity={"last_name": CANARY})
    url = reverse("referrals:update", args=[d.public_id])
    for actor in (actors[AW], other_partner(departement)):
        assert client_for(actor).get(url).status_code == 404
        assert client_for(actor).post(url, _form_data(d, last_name="Autre")).status_code == 404
    d.refresh_from_db()
    assert d.last_name == CANARY


def test_a_closed_detection_is_not_edited(partner):
    d = detection(partner)
    services.close_detection(actor=partner, detection=d, day=timezone.localdate(), reason="Fin")
    client = client_for(partner)
    url = reverse("referrals:update", args=[d.public_id])
    page = client.get(reverse("referrals:detail", args=[d.public_id]))
    assert 'data-testid="detection-edit"' not in page.content.decode()
    response = client.get(url, follow=True)
    assert "Ce repérage est clos : il ne peut plus être modifié." in _text(response)
    before = db_snapshot()
    response = client.post(url, _form_data(d, sex="M"))
    assert response.status_code == 200
    assert "Ce repérage est clos : il ne peut plus être modifié." in _text(response)
    assert_unchanged(before)


def test_a_transmitted_minor_is_not_switched_to_an_adult(partner):
    d = detection(partner, minor=True)
    services.record_protection_report(
        actor=partner, detection=d, kind="ip", sent_on=d.detected_on, recipient="CRIP 99"
    )
    before = db_snapshot()
    response = client_for(partner).post(
        reverse("referrals:update", args=[d.public_id]), _form_data(d, age_band="18_21")
    )
    assert response.status_code == 200
    text = _text(response)
    assert "il reste celui d'un·e mineur·e. Rien n'a été modifié." in text
    assert "Rien n'a été modifié" in response.context["form"].errors["age_band"][0]  # next to the field
    assert_unchanged(before)


def test_a_referred_adult_is_not_switched_to_a_minor(partner, association):
    referral = _refer(partner, association)
    d = referral.detection
    today = timezone.localdate()
    before = db_snapshot()
    response = client_for(partner).post(
        reverse("referrals:update", args=[d.public_id]),
        _form_data(d, birth_date=today.replace(year=today.year - 16).isoformat()),
    )
    assert response.status_code == 200
    assert "il reste celui d'une personne majeure" in _text(response)
    assert_unchanged(before)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"detected_on": "2999-01-01"}, "ne peut pas être dans le futur"),
        ({"age_band": "", "birth_date": ""}, "Indiquez la tranche d'âge ou la date de naissance."),
        ({"phone": "abc"}, "numéro de téléphone valide"),
        ({"indicators": ["pas-un-uuid"]}, "Un des signes choisis"),
    ],
)
def test_bad_correction_input(partner, changes, message):
    d = detection(partner)
    before = db_snapshot()
    url = reverse("referrals:update", args=[d.public_id])
    response = client_for(partner).post(url, _form_data(d, **changes))
    assert response.status_code == 200
    assert message in _text(response)
    assert_unchanged(before)


# --- Withdrawing a referral ---------------------------------------------------------------------------


def test_the_partner_withdraws_and_the_association_reads_only_that(partner, association, actors):
    referral = _refer(partner, association)
    client = client_for(partner)
    page = client.get(reverse("referrals:detail", args=[referral.detection.public_id]))
    assert 'data-testid="withdraw-form"' in page.content.decode()
    url = reverse("referrals:withdraw", args=[referral.public_id])
    before = db_snapshot()
    question = client.post(url, {"reason": "A déménagé dans un autre département"})
    assert "Ce qui va se passer" in _text(question)
    assert_unchanged(before)
    response = client.post(
        url, {"reason": "A déménagé dans un autre département", "confirmation": "oui"}, follow=True
    )
    text = _text(response)
    assert "Orientation retirée : le repérage est de nouveau en cours." in text
    assert "motif : A déménagé dans un autre département" in text
    assert 'data-testid="referral-form"' in text  # may be referred elsewhere
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN

    asso = client_for(actors[AW])
    old_link = _text(asso.get(reverse("referrals:referral", args=[referral.public_id])))
    withdrawn_on = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Cette orientation a été retirée par le partenaire le {withdrawn_on}" in old_link
    for secret in (CANARY.upper(), MESSAGE, "déménagé", "18 à 21 ans"):
        assert secret not in old_link
    listing = _text(asso.get(reverse("referrals:received")))
    assert f"Retirée par le partenaire le {withdrawn_on}" in listing and "18 à 21 ans" not in listing
    assert referral.detection.pseudonym not in _text(asso.get(reverse("home")))
    # An old form posted to the withdrawn referral: a French message, never its content.
    before = db_snapshot()
    for name, data in (
        ("referrals:answer", {"decision": "accept", "day": "pas une date"}),
        ("referrals:answer", {"decision": "accept", "day": timezone.localdate().isoformat()}),
        ("referrals:first_contact", {"day": timezone.localdate().isoformat()}),
        ("referrals:accompaniment", {"last_name": CANARY}),
    ):
        response = asso.post(reverse(name, args=[referral.public_id]), data, follow=True)
        assert response.status_code == 200
        assert CANARY.upper() not in _text(response) and MESSAGE not in _text(response)
    assert "retirée par le partenaire" in _text(response)
    assert_unchanged(before)


def test_a_withdrawal_without_a_reason_is_refused(partner, association):
    referral = _refer(partner, association)
    before = db_snapshot()
    response = client_for(partner).post(
        reverse("referrals:withdraw", args=[referral.public_id]), {"reason": " ", "confirmation": "oui"}
    )
    assert response.status_code == 200
    assert "Indiquez le motif du retrait" in _text(response)
    assert_unchanged(before)


def test_no_withdrawal_once_the_accompaniment_started(partner, association, actors):
    referral = _refer(partner, association)
    worker, today = actors[AW], timezone.localdate()
    services.answer_referral(actor=worker, referral=referral, accept=True, day=today)
    services.record_first_contact(actor=worker, referral=referral, day=today)
    person = PersonFactory.build(last_name="Quenderil", first_name="Maëlys", sex="F")
    services.start_accompaniment(actor=worker, referral=referral, person=person, day=today)
    client = client_for(partner)
    page = client.get(reverse("referrals:detail", args=[referral.detection.public_id]))
    assert 'data-testid="withdraw-form"' not in page.content.decode()
    before = db_snapshot()
    response = client.post(
        reverse("referrals:withdraw", args=[referral.public_id]),
        {"reason": "A changé d'avis", "confirmation": "oui"},
        follow=True,
    )
    assert "l'orientation ne peut plus être retirée" in _text(response)
    assert_unchanged(before)
