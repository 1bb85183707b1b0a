"""Services of parcours/actions: each bad input is refused with a French message and nothing is saved."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from parcours.actions import services
from parcours.actions.models import (
    ClientCourseSession,
    Establishment,
    OutreachRound,
    PreventionAction,
    Training,
)
from parcours.core.models import AuditEvent, OrganisationKind
from parcours.core.roles import Role
from tests.factories import (
    DepartementFactory,
    EstablishmentFactory,
    OrganisationFactory,
    OutreachRoundFactory,
    make_actor,
)

pytestmark = pytest.mark.django_db

PA, S, AW, CM = Role.PARTNER_ADVISOR, Role.SECRETARIAT, Role.ASSOCIATION_WORKER, Role.COMMISSION_MEMBER


def _online(**overrides):
    data = {
        "held_on": timezone.localdate() - timedelta(days=1),
        "kind": "online",
        "duration_minutes": 120,
        "area": "",
        "platform_type": "ad_site",
        "ads_seen": 50,
        "contacts": 10,
        "people_met": 4,
        "minors_met": 1,
        "needs": ["health"],
        "referrals_made": 1,
        "reports_pharos": 2,
        "reports_platforms": 1,
    }
    return {**data, **overrides}


def _refused(actor, model, data, field):
    before = model.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.save_action(actor=actor, model=model, data=data)
    assert field in exc.value.message_dict, exc.value.message_dict
    message = " ".join(exc.value.message_dict[field])
    assert message[0].isupper() and message.endswith("."), message
    assert (model.objects.count(), AuditEvent.objects.count()) == before
    return message


def test_a_partner_records_an_online_round_audited():
    advisor = make_actor(PA)
    item = services.save_action(actor=advisor, model=OutreachRound, data=_online())
    assert item.organisation == advisor.organisation and item.departement == advisor.departement
    assert item.reports == 3
    event = AuditEvent.objects.get(object_id=str(item.public_id))
    assert event.action == "create" and event.user == advisor.user


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"people_met": 11}, "people_met", "ne peuvent pas dépasser les contacts"),
        ({"minors_met": 5}, "minors_met", "ne peuvent pas dépasser les personnes rencontrées"),
        ({"referrals_made": 5}, "referrals_made", "orientations"),
        ({"reports_pharos": 51}, "reports_pharos", "PHAROS"),
        ({"contacts": 60, "people_met": 4}, "contacts", "annonces ou profils"),
        ({"ads_seen": -1}, "ads_seen", "négatif"),
        ({"contacts": 10**6}, "contacts", "vérifiez"),
        ({"held_on": timezone.localdate() + timedelta(days=1)}, "held_on", "futur"),
        ({"platform_type": ""}, "platform_type", "plateforme"),
        ({"duration_minutes": 0}, "duration_minutes", "durée"),
        ({"duration_minutes": 2000}, "duration_minutes", "24 heures"),
        ({"needs": ["teleportation"]}, "needs", "inconnu"),
        ({"kind": "sky"}, "kind", "type de maraude"),
    ],
)
def test_inconsistent_rounds_are_refused(overrides, field, words):
    message = _refused(make_actor(PA), OutreachRound, _online(**overrides), field)
    assert words in message


def test_a_street_round_names_its_area_and_reports_need_ads():
    actor = make_actor(AW)
    street = _online(
        kind="street", platform_type="", area="", ads_seen=0, reports_pharos=0, reports_platforms=0
    )
    _refused(actor, OutreachRound, street, "area")
    _refused(actor, OutreachRound, {**street, "area": "Gare", "reports_platforms": 1}, "reports_platforms")


def test_the_database_refuses_inconsistent_counts_too():
    with pytest.raises(IntegrityError), transaction.atomic():
        OutreachRoundFactory(contacts=2, people_met=3)


def test_prevention_needs_an_establishment_of_the_departement_or_another_public():
    actor = make_actor(AW)
    base = {
        "held_on": timezone.localdate(),
        "establishments": [],
        "other_public": "",
        "audience": ["pupils"],
        "people_reached": 30,
        "theme": "Consentement",
    }
    _refused(actor, PreventionAction, base, "establishments")
    foreign = EstablishmentFactory(departement=DepartementFactory(code="98", name="Autre"))
    _refused(actor, PreventionAction, {**base, "establishments": [foreign]}, "establishments")
    _refused(actor, PreventionAction, {**base, "other_public": "Foyer", "audience": []}, "audience")
    _refused(
        actor, PreventionAction, {**base, "other_public": "Foyer", "people_reached": 0}, "people_reached"
    )
    college = EstablishmentFactory(departement=actor.departement)
    item = services.save_action(
        actor=actor, model=PreventionAction, data={**base, "establishments": [college]}
    )
    assert list(item.establishments.all()) == [college]


def test_a_training_total_is_the_sum_of_professions():
    actor = make_actor(PA)
    data = {
        "held_on": timezone.localdate(),
        "title": "Formation croisée",
        "police": 3,
        "gendarmerie": 2,
        "justice": 1,
        "education": 4,
        "health": 0,
        "social_work": 5,
        "mission_locale": 3,
        "other": 0,
        "total_attendees": 20,
        "hours": Decimal("6.5"),
    }
    message = _refused(actor, Training, data, "total_attendees")
    assert "(18)" in message
    _refused(actor, Training, {**data, "total_attendees": 18, "hours": Decimal(0)}, "hours")
    item = services.save_action(actor=actor, model=Training, data={**data, "total_attendees": 18})
    assert item.total_attendees == 18


def test_a_course_session_completes_no_more_than_ordered():
    actor = make_actor(AW)
    data = {
        "held_on": timezone.localdate(),
        "ordered_alternative": 5,
        "ordered_composition": 1,
        "ordered_sentence": 0,
        "completed_alternative": 5,
        "completed_composition": 2,
        "completed_sentence": 0,
        "fee_euros": None,
    }
    message = _refused(actor, ClientCourseSession, data, "completed_composition")
    assert "Composition pénale" in message
    _refused(
        actor,
        ClientCourseSession,
        {**data, "completed_composition": 1, "fee_euros": Decimal(-1)},
        "fee_euros",
    )
    item = services.save_action(
        actor=actor, model=ClientCourseSession, data={**data, "completed_composition": 1}
    )
    assert (item.ordered, item.completed) == (6, 6)


def test_only_the_own_organisation_or_the_secretariat_changes_an_action():
    advisor = make_actor(PA)
    item = services.save_action(actor=advisor, model=OutreachRound, data=_online())
    other = make_actor(PA, departement=advisor.departement)
    with pytest.raises(PermissionDenied):
        services.save_action(actor=other, model=OutreachRound, data=_online(), item=item)
    with pytest.raises(PermissionDenied):
        services.delete_action(actor=other, item=item)
    with pytest.raises(PermissionDenied):
        services.save_action(actor=make_actor(CM), model=OutreachRound, data=_online())
    prefecture = OrganisationFactory(departement=advisor.departement, kind=OrganisationKind.PREFECTURE)
    secretariat = make_actor(S, prefecture)
    services.save_action(actor=secretariat, model=OutreachRound, data=_online(contacts=11), item=item)
    item.refresh_from_db()
    assert item.contacts == 11 and item.organisation == advisor.organisation
    services.delete_action(actor=secretariat, item=item)
    assert not OutreachRound.objects.exists()


def test_a_course_session_is_not_a_partner_advisors():
    with pytest.raises(PermissionDenied):
        services.save_action(actor=make_actor(PA), model=ClientCourseSession, data={})


# --- Establishments ---------------------------------------------------------------------------------------


def _secretariat():
    return make_actor(S)


def test_import_adds_and_updates_establishments():
    actor = _secretariat()
    EstablishmentFactory(departement=actor.departement, name="Collège Jean Moulin", commune="Démoville")
    content = (
        "\ufefftype;nom;commune;uai\n"
        "collège;Collège Jean Moulin;Démoville;0990001A\n"
        "Lycée;Lycée des Sources;Rivebelle;\n"
        "LP;Lycée professionnel du Port;Rivebelle;0990003C\n"
    ).encode()
    result = services.import_establishments(actor=actor, content=content)
    assert (result.created, result.updated) == (2, 1)
    assert Establishment.objects.get(name="Collège Jean Moulin").uai == "0990001A"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "vide"),
        (b"nom;commune\nX;Y\n", "Colonnes manquantes"),
        ("type;nom;commune\nécole;X;Y\n".encode(), "ligne 2 : type « école » inconnu"),
        ("type;nom;commune;uai\ncollège;X;Y;123\n".encode(), "UAI"),
        ("type;nom;commune\ncollège;;Y\n".encode(), "manquant"),
        ("type;nom;commune\ncollège;X;Y\ncollège;X;Y\n".encode(), "double"),
        ("type;nom;commune\ncollège;Coll\xe8ge;Y\n".encode("latin-1"), "UTF-8"),
        (b"%PDF-1.4\x00\x00", "CSV"),
    ],
)
def test_a_bad_import_saves_nothing(content, words):
    actor = _secretariat()
    with pytest.raises(ValidationError) as exc:
        services.import_establishments(actor=actor, content=content)
    assert words in " ".join(exc.value.message_dict["file"])
    assert not Establishment.objects.exists()


def test_an_establishment_named_by_an_action_is_not_deleted():
    actor = _secretariat()
    college = services.save_establishment(
        actor=actor, data={"kind": "college", "name": "Collège A", "commune": "B", "uai": "", "active": True}
    )
    with pytest.raises(ValidationError):
        services.save_establishment(
            actor=actor,
            data={"kind": "college", "name": "Collège A", "commune": "B", "uai": "", "active": True},
        )
    worker = make_actor(AW, departement=actor.departement)
    services.save_action(
        actor=worker,
        model=PreventionAction,
        data={
            "held_on": timezone.localdate(),
            "establishments": [college],
            "other_public": "",
            "audience": ["pupils"],
            "people_reached": 20,
            "theme": "Prévention",
        },
    )
    with pytest.raises(ValidationError):
        services.delete_establishment(actor=actor, item=college)
    assert Establishment.objects.filter(pk=college.pk).exists()
