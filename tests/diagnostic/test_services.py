"""Campaign services: dates, structures, invitations and reminders, answers, key lists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail  # noqa: F401
from django.core.exceptions import ValidationError
from django.utils import timezone

from parcours.core.roles import Role
from parcours.diagnostic import selectors, services
from parcours.diagnostic.models import CampaignState, LinkageRecord
from parcours.outbox.models import OutgoingEmail

from ..factories import (
    CampaignFactory,
    OrganisationFactory,
    ParticipantFactory,
    give_key_list,
    key_payload,
    link_in,
    make_actor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ddfe():
    return make_actor(Role.SECRETARIAT)


def today():
    return timezone.localdate()


def test_campaign_gets_a_default_code_from_departement_and_year(ddfe):
    campaign = services.create_campaign(
        ddfe,
        title="Diagnostic 2026",
        period_start=today().replace(month=1, day=1),
        period_end=today(),
        deadline=today() + timedelta(days=30),
        today=today(),
    )
    assert campaign.code == f"DIAG-99-{today().year}"
    assert campaign.state == CampaignState.DRAFT
    second = services.create_campaign(
        ddfe, title="Bis", period_start=today(), period_end=today(), deadline=today(), today=today()
    )
    assert second.code == f"DIAG-99-{today().year}-2"


def test_campaign_with_a_past_deadline_is_refused(ddfe):
    with pytest.raises(ValidationError, match="déjà passée"):
        services.create_campaign(
            ddfe,
            title="X",
            period_start=today(),
            period_end=today(),
            deadline=today() - timedelta(days=1),
            today=today(),
        )


def test_opening_invites_each_structure_once_and_reminders_once_a_day(
    ddfe, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory(draft=True, departement=ddfe.departement)
    org = OrganisationFactory(departement=ddfe.departement, email="contact@asso.invalid")
    services.add_organisations(ddfe, campaign, [org])
    services.add_structure(ddfe, campaign, name="Centre hospitalier fictif", email="ch@exemple.invalid")
    services.add_structure(ddfe, campaign, name="Lycée sans courriel")
    assert services.open_campaign(ddfe, campaign, today=today()) == 2
    subjects = [e.subject for e in OutgoingEmail.objects.all()]  # encrypted at rest: compared decrypted
    assert [s.startswith("Diagnostic territorial") for s in subjects].count(True) == 2
    invitation = OutgoingEmail.objects.get(to="ch@exemple.invalid")
    participant = campaign.participants.get(name="Centre hospitalier fictif")
    assert services.check_token(link_in(invitation.body).split("/")[-2]).invitation.participant == participant
    assert services.remind(ddfe, campaign, today=today()) == 2
    assert services.remind(ddfe, campaign, today=today()) == 0  # once a day
    services.submit_answers(participant, {"total": 3})
    assert services.remind(ddfe, campaign, today=today() + timedelta(days=1)) == 1


def test_a_token_gives_back_its_structure_and_a_forged_one_nothing():
    participant = ParticipantFactory()
    token, _ = services.issue_invitation(participant)
    assert services.check_token(token).invitation.participant == participant
    assert services.check_token(token).valid
    for forged in (token[:-2] + "xx", str(participant.public_id), "", "x" * 500):
        assert services.check_token(forged).state == services.LinkState.UNKNOWN


def test_answers_that_exceed_the_total_are_refused_and_nothing_is_saved():
    participant = ParticipantFactory()
    with pytest.raises(ValidationError) as error:
        services.submit_answers(participant, {"total": 5, "minors": 6, "sex_female": 4, "sex_male": 3})
    messages = " ".join(error.value.messages)
    assert "ne peut pas dépasser" in messages and "la somme (7) dépasse" in messages
    participant.refresh_from_db()
    assert participant.answered_at is None and participant.answers == {}


def test_a_closed_campaign_takes_no_answer():
    participant = ParticipantFactory(campaign=CampaignFactory(closed=True))
    with pytest.raises(ValidationError, match="n'est pas ouverte"):
        services.submit_answers(participant, {"total": 1})


def test_key_list_is_replaced_and_duplicates_counted():
    participant = ParticipantFactory()
    give_key_list(participant, ["a", "b", "c"])
    key_list = services.store_key_list(participant, key_payload(["a", "d", "d"]))
    assert key_list.row_count == 2 and key_list.duplicate_count == 1
    assert LinkageRecord.objects.filter(key_list__participant=participant).count() == 2


@pytest.mark.parametrize(
    "payload, message",
    [
        ("nom,prenom,date_naissance,sexe\nZorvalenne,Ilona,1994-06-12,F\n", "contient des noms"),
        (
            "#LK2 lignes_ecartees=0\ncles,tranche_age,sexe,en_ligne\nnot-a-key,25_34,2,non\n",
            "Lignes illisibles : 3",
        ),
        ("#LK2 lignes_ecartees=0\ncles,sexe\n", "Colonnes manquantes"),
        ("cle,tranche_age,sexe,en_ligne\n" + "0" * 64 + ",25_34,2,non\n", "ancien schéma \\(LK1\\)"),
        ("", "vide"),
    ],
)
def test_bad_key_payload_is_refused_whole(payload, message):
    participant = ParticipantFactory()
    give_key_list(participant, ["a"])
    with pytest.raises(ValidationError, match=message) as error:
        services.store_key_list(participant, payload)
    assert "Zorvalenne" not in str(error.value)
    assert LinkageRecord.objects.filter(key_list__participant=participant).count() == 1


def test_linkage_counts_people_once_across_lists_and_estimates():
    campaign = CampaignFactory()
    a, b, c = (ParticipantFactory(campaign=campaign, name=n) for n in ("A", "B", "C"))
    give_key_list(a, [f"p{i}" for i in range(0, 60)])
    give_key_list(b, [f"p{i}" for i in range(40, 110)])
    give_key_list(c, [f"p{i}" for i in range(0, 10)] + [f"p{i}" for i in range(100, 140)])
    summary = selectors.linkage_summary(campaign)
    assert summary.records == 60 + 70 + 50
    assert summary.distinct == 140
    assert {(x.participant.name, y.participant.name): n for x, y, n in summary.pairs} == {
        ("A", "B"): 20,
        ("A", "C"): 10,
        ("B", "C"): 10,
    }
    outcome = selectors.estimate(summary)
    assert outcome.ok, outcome.error
    assert outcome.result.estimate >= 140


def test_one_list_gives_a_reason_not_an_estimate():
    campaign = CampaignFactory()
    give_key_list(ParticipantFactory(campaign=campaign), ["a", "b"])
    outcome = selectors.estimate(selectors.linkage_summary(campaign))
    assert not outcome.ok and "au moins 2 listes" in outcome.error


def test_a_payload_the_csv_reader_cannot_read_is_refused_in_french():
    participant = ParticipantFactory()
    with pytest.raises(ValidationError, match="illisible"):
        services.store_key_list(
            participant, "#LK2 lignes_ecartees=0\ncles,tranche_age,sexe,en_ligne\n" + "a" * 200_000 + "\n"
        )


def test_a_drafts_code_may_change_but_stays_valid_and_unique(ddfe):
    campaign = CampaignFactory(draft=True, departement=ddfe.departement, code="DIAG-99-A")
    CampaignFactory(departement=ddfe.departement, code="DIAG-99-B")
    with pytest.raises(ValidationError, match="lettres majuscules"):
        services.update_campaign(ddfe, campaign, today=today(), code="x y")
    with pytest.raises(ValidationError, match="porte déjà ce code"):
        services.update_campaign(ddfe, campaign, today=today(), code="DIAG-99-B")
    services.update_campaign(ddfe, campaign, today=today(), code="DIAG-99-C")
    campaign.refresh_from_db()
    assert campaign.code == "DIAG-99-C"


def test_what_a_structure_does_through_its_link_is_in_its_departements_audit_journal():
    from parcours.core.models import AuditEvent

    participant = ParticipantFactory()
    services.submit_answers(participant, {"total": 1})
    give_key_list(participant, ["a"])
    details = set(
        AuditEvent.objects.filter(
            departement=participant.campaign.departement, object_id=str(participant.public_id)
        ).values_list("detail", flat=True)
    )
    assert details == {"réponse au questionnaire", "liste de clés : 1 personne(s), 0 ligne(s) écartée(s)"}
