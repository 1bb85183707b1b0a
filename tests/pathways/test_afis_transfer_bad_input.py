"""Bad input on the AFIS page, the notices and the transfers: a clear French error, nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from parcours.pathways import services as psp
from parcours.pathways.models import Afis
from tests.views.helpers import fast_static
from tests.views.test_bad_input import post_refused


@pytest.fixture(autouse=True)
def _fast(settings):
    fast_static(settings)


@pytest.fixture
def granted(actors, active_pathway):
    start = active_pathway.periods.get().start
    return psp.grant_afis(
        actor=actors["secretariat"],
        afis=Afis.objects.get(pathway=active_pathway),
        granted_on=start,
        start=start,
        paying_body="MSA",
        dependent_children=1,
    )


def _url(afis, what):
    return f"/parcours/{afis.pathway.public_id}/afis/{what}/"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"month": "pas-un-mois", "dependent_children": "2"}, "Saisissez une date valide."),
        ({"month": "2026-01", "dependent_children": "-1"}, "supérieure ou égale à 0"),
        ({"month": "1999-01", "dependent_children": "2"}, "n'est pas dans la période de versement"),
    ],
)
def test_children_change_refused(clients, granted, data, message):
    post_refused(clients["association_worker"], _url(granted, "enfants"), data, message)


def test_suspension_without_motive_refused(clients, granted):
    month = f"{granted.start:%Y-%m}"
    post_refused(
        clients["secretariat"],
        _url(granted, "suspension"),
        {"month": month, "motive": ""},
        "Ce champ est obligatoire.",
    )


def test_resumption_of_a_running_afis_refused(clients, granted):
    post_refused(
        clients["secretariat"],
        _url(granted, "reprise"),
        {"month": f"{granted.start:%Y-%m}"},
        "Cette action n'est possible que sur une AFIS accordée",
    )


def test_revaluation_with_nothing_to_notify_refused(clients, granted):
    post_refused(
        clients["secretariat"],
        _url(granted, "revalorisation"),
        {},
        "Aucune revalorisation du barème n'est à notifier",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"step": "sent", "day": ""}, "Ce champ est obligatoire."),
        ({"step": "acknowledged", "day": "{today}"}, "Enregistrez d'abord la transmission de l'avis."),
        ({"step": "nope", "day": "{today}"}, "Sélectionnez un choix valide."),
        ({"step": "sent", "day": "{tomorrow}"}, "ne peut pas être dans le futur"),
    ],
)
def test_notice_step_refused(clients, granted, data, message):
    today = timezone.localdate()
    notice = granted.notices.get()
    data = {k: v.format(today=today, tomorrow=today + timedelta(days=1)) for k, v in data.items()}
    post_refused(
        clients["secretariat"],
        f"/parcours/{granted.pathway.public_id}/avis-organismes/{notice.public_id}/",
        data,
        message,
    )


def test_transfer_without_consent_refused(clients, active_pathway):
    post_refused(
        clients["association_worker"],
        f"/parcours/{active_pathway.public_id}/transfert/",
        {"to_association": "", "day": f"{timezone.localdate():%Y-%m-%d}", "consent_given_on": ""},
        "Ce champ est obligatoire.",
    )


def test_handover_to_itself_refused(clients, active_pathway):
    asso = active_pathway.association.pk
    post_refused(
        clients["secretariat"],
        "/parcours/associations/transfert/",
        {
            "from_association": asso,
            "to_association": asso,
            "day": f"{timezone.localdate():%Y-%m-%d}",
            "motive": "Fermeture",
            "confirmation": "oui",
        },
        "Choisissez une autre association.",
    )
