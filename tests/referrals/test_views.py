"""Pages of detections and referrals: French messages and nothing saved on bad input, scoping, audited
reads, canary identities never reaching a role not entitled, and the measures."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.core.models import AuditEvent
from parcours.core.roles import Role
from parcours.referrals import services
from parcours.referrals.models import Detection, ProtectionReport, Referral
from parcours.stats.registry import Scope, get
from tests.conftest import client_for
from tests.referrals.helpers import detection, other_partner
from tests.views.helpers import fast_static

pytestmark = pytest.mark.django_db
PA, AW, S = Role.PARTNER_ADVISOR, Role.ASSOCIATION_WORKER, Role.SECRETARIAT
CANARY = "Zorblatquix"


@pytest.fixture(autouse=True)
def _fast(settings):
    fast_static(settings)


@pytest.fixture
def partner(actors):
    return actors[PA]


def _identified(partner, *, minor=False):
    today = timezone.localdate()
    years = 16 if minor else 20
    return detection(
        partner,
        identity={
            "last_name": CANARY,
            "first_name": "Maëlys",
            "birth_date": today.replace(year=today.year - years),
            "phone": "06 12 34 56 78",
        },
    )


def test_create_a_minor_detection_and_its_guided_panel(partner):
    client = client_for(partner)
    indicator = client.get(reverse("referrals:create")).context["form"].fields["indicators"].queryset.first()
    today = timezone.localdate()
    response = client.post(
        reverse("referrals:create"),
        {
            "detected_on": today.isoformat(),
            "age_band": "",
            "birth_date": today.replace(year=today.year - 15).isoformat(),
            "sex": "F",
            "indicators": [str(indicator.public_id)],
            "place_type": "hotel",
            "platform_type": "social_network",
            "context": "",
            "actions_taken": "",
            "last_name": "",
            "first_name": "",
            "phone": "",
        },
        follow=True,
    )
    d = Detection.objects.get()
    assert d.is_minor and d.age_band == "15_17"
    text = html.unescape(response.content.decode())
    assert "L. 226-3" in text and "119" in text and "L. 226-4" in text
    assert 'data-testid="awaiting-transmission"' in text
    board = client.get(reverse("home")).content.decode()
    assert d.pseudonym in board


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"age_band": "", "birth_date": ""}, "Indiquez la tranche d'âge ou la date de naissance."),
        ({"detected_on": "2999-01-01"}, "ne peut pas être dans le futur"),
        ({"detected_on": "pas une date"}, "Saisissez une date valide"),
        ({"indicators": ["00000000-0000-0000-0000-000000000000"]}, "Un des signes choisis"),
        ({"indicators": ["pas-un-uuid"]}, "Un des signes choisis"),
        ({"birth_date": "1850-01-01"}, "La date de naissance n'est pas plausible."),
        ({"phone": "abc"}, "numéro de téléphone valide"),
    ],
)
def test_bad_detection_input(partner, data, message):
    today = timezone.localdate()
    base = {
        "detected_on": today.isoformat(),
        "age_band": "18_21",
        "sex": "F",
        "place_type": "hotel",
        "platform_type": "none",
    }
    response = client_for(partner).post(reverse("referrals:create"), {**base, **data})
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not Detection.objects.exists()


def test_closing_a_minor_without_transmission_is_refused(partner):
    d = detection(partner, minor=True)
    response = client_for(partner).post(
        reverse("referrals:close", args=[d.public_id]),
        {"day": timezone.localdate().isoformat(), "reason": "Fin", "confirmation": "oui"},
        follow=True,
    )
    assert "ne peut pas être clos sans transmission" in html.unescape(response.content.decode())
    d.refresh_from_db()
    assert d.state != "closed"


def test_referral_refusals_in_view(partner, association, departement):
    from tests.factories import OrganisationFactory

    client = client_for(partner)
    adult = detection(partner)
    today = timezone.localdate().isoformat()
    url = reverse("referrals:refer", args=[adult.public_id])
    unapproved = OrganisationFactory(departement=departement)
    cases = [
        (
            {"association": str(association.public_id), "consent_given_on": "", "referred_on": today},
            "Sans le consentement",
        ),
        (
            {"association": str(unapproved.public_id), "consent_given_on": today, "referred_on": today},
            "agrément valide",
        ),
        ({"association": "pas-un-uuid", "consent_given_on": today, "referred_on": today}, "agrément valide"),
        (
            {
                "association": str(association.public_id),
                "consent_given_on": today,
                "referred_on": "2999-01-01",
            },
            "futur",
        ),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert message in html.unescape(response.content.decode()), data
    minor = detection(partner, minor=True)
    response = client.post(
        reverse("referrals:refer", args=[minor.public_id]),
        {"association": str(association.public_id), "consent_given_on": today, "referred_on": today},
        follow=True,
    )
    assert "protection de l'enfance" in html.unescape(response.content.decode())
    assert not Referral.objects.exists()


def test_feedback_bad_input(partner):
    d = detection(partner, minor=True)
    report = services.record_protection_report(
        actor=partner, detection=d, kind="ip", sent_on=d.detected_on, recipient="CRIP"
    )
    prefix = f"r{report.pk}"
    response = client_for(partner).post(
        reverse("referrals:feedback", args=[d.public_id, report.public_id]),
        {
            f"{prefix}-feedback_on": (d.detected_on - timedelta(days=1)).isoformat(),
            f"{prefix}-feedback": "evaluation",
        },
    )
    assert response.status_code == 200
    assert "ne peut pas précéder" in html.unescape(response.content.decode())
    report.refresh_from_db()
    assert report.feedback_on is None


def test_a_partner_never_reaches_another_partners_detections(partner, departement, person):
    d = _identified(partner)
    outsider = other_partner(departement)
    client = client_for(outsider)
    assert client.get(reverse("referrals:detail", args=[d.public_id])).status_code == 404
    assert CANARY not in client.get(reverse("referrals:list")).content.decode()
    response = client.post(reverse("referrals:list"), {"nom": CANARY[:5]})
    assert CANARY not in html.unescape(response.content.decode())
    # Nor any PSP file.
    assert client.get(reverse("pathways:list")).status_code == 403
    assert client_for(partner).get(reverse("people:detail", args=[person.public_id])).status_code == 404


def test_reading_a_detection_is_audited(partner, actors):
    d = _identified(partner)
    for actor in (partner, actors[S]):
        before = AuditEvent.objects.count()
        response = client_for(actor).get(reverse("referrals:detail", args=[d.public_id]))
        assert CANARY.upper() in html.unescape(response.content.decode())
        events = list(AuditEvent.objects.order_by("pk")[before:])
        assert [(e.action, e.object_type, e.object_id) for e in events] == [
            ("view", "referrals.detection", str(d.public_id))
        ]
    before = AuditEvent.objects.count()
    client_for(partner).post(reverse("referrals:list"), {"nom": CANARY[:5]})
    actions = [e.action for e in AuditEvent.objects.order_by("pk")[before:]]
    assert actions == ["search", "view"]


LINK = re.compile(r'href="(/[^"#?]*)')


def _crawl(client, start_urls, limit=60):
    seen, todo, pages = set(), list(start_urls), []
    while todo and len(seen) < limit:
        url = todo.pop()
        if url in seen or url.startswith(("/static", "/compte/deconnexion")):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            text = html.unescape(response.content.decode())
            pages.append((url, text))
            todo.extend(u for u in LINK.findall(text) if u not in seen)
    return pages


@pytest.mark.parametrize(
    "role",
    [
        Role.SIGNATORY,
        Role.COMMISSION_MEMBER,
        Role.IMMIGRATION,
        Role.NATIONAL_ANALYST,
        Role.ADMIN,
        "other_assoc",
    ],
)
def test_canary_identities_never_reach_a_role_not_entitled(role, partner, actors, other_association):
    from tests.factories import make_actor

    minor = _identified(partner, minor=True)
    adult = _identified(partner)
    today = timezone.localdate()
    services.refer(
        actor=partner,
        detection=adult,
        association=other_association,
        consent_given_on=today,
        referred_on=today,
    )
    actor = make_actor(Role.ASSOCIATION_WORKER, other_association) if role == "other_assoc" else actors[role]
    client = client_for(actor)
    urls = ["/", "/reperage/", "/reperage/orientations/"]
    urls += [reverse("referrals:detail", args=[d.public_id]) for d in (minor, adult)]
    for url, text in _crawl(client, urls):
        assert CANARY.lower() not in text.lower(), f"{role} lit l'identité d'un repérage sur {url}"
        assert "06 12 34 56 78" not in text, url


def test_the_association_sees_only_what_the_referral_needs(partner, association, actors):
    adult = _identified(partner)
    today = timezone.localdate()
    referral = services.refer(
        actor=partner, detection=adult, association=association, consent_given_on=today, referred_on=today
    )
    client = client_for(actors[AW])
    text = client.get(reverse("referrals:referral", args=[referral.public_id])).content.decode()
    assert CANARY.upper() not in text and "plusieurs soirs" not in text
    assert 'data-testid="no-contact"' in text
    assert client.get(reverse("referrals:detail", args=[adult.public_id])).status_code == 404
    Referral.objects.filter(pk=referral.pk).update(share_contact=True)
    text = client.get(reverse("referrals:referral", args=[referral.public_id])).content.decode()
    assert CANARY.upper() in text


def test_the_measures(partner, association, actors):
    today = timezone.localdate()
    minor = detection(partner, minor=True, days_ago=10)
    services.record_protection_report(
        actor=partner, detection=minor, kind="ip", sent_on=minor.detected_on, recipient="CRIP"
    )
    adult = detection(partner, days_ago=10)
    referral = services.refer(
        actor=partner,
        detection=adult,
        association=association,
        consent_given_on=today - timedelta(days=4),
        referred_on=today - timedelta(days=4),
    )
    services.answer_referral(actor=actors[AW], referral=referral, accept=True, day=today - timedelta(days=3))
    services.record_first_contact(actor=actors[AW], referral=referral, day=today - timedelta(days=1))
    scope = Scope(departement=partner.departement, start=today - timedelta(days=30), end=today)
    assert get("referrals.detections").value(scope) == 2
    assert get("referrals.minor_detections").value(scope) == 1
    # Every label of a breakdown is listed, zeros included.
    assert get("referrals.protection_reports").breakdown(scope, "kind") == {
        ProtectionReport.Kind.INFORMATION_PREOCCUPANTE.label: 1,
        ProtectionReport.Kind.SIGNALEMENT.label: 0,
    }
    states = get("referrals.referrals").breakdown(scope, "state")
    assert states["Acceptée"] == 1 and sum(states.values()) == 1
    assert get("referrals.delay_detection_referral").value(scope) == 6.0
    assert get("referrals.delay_referral_contact").value(scope) == 3.0
    assert get("referrals.delay_contact_accompaniment").value(scope) is None
    bands = get("referrals.detections").breakdown(scope, "age_band")
    assert (bands["15 à 17 ans"], bands["18 à 21 ans"], sum(bands.values())) == (1, 1, 2)


def test_list_and_detail_pages_have_a_query_budget(partner, django_assert_max_num_queries):
    for _ in range(12):
        detection(partner)
    d = detection(partner, minor=True)
    client = client_for(partner)
    client.get(reverse("referrals:list"))  # warm the session and the middleware
    with django_assert_max_num_queries(20):
        assert client.get(reverse("referrals:list")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("referrals:detail", args=[d.public_id])).status_code == 200


def test_the_protection_panel_gives_the_crip_of_the_directory(client, departement):
    """The guide of a minor's detection names the département's CRIP as the network's directory has it."""
    from tests.conftest import client_for
    from tests.factories import DetectionFactory, DirectoryEntryFactory, make_actor

    partner = make_actor(Role.PARTNER_ADVISOR, departement=departement)
    detection = DetectionFactory(minor=True, organisation=partner.organisation, created_by=partner.user)
    page = client_for(partner).get(reverse("referrals:detail", args=[detection.public_id])).content.decode()
    assert "ne sont pas encore enregistrées" in page
    DirectoryEntryFactory(departement=departement, name="CRIP du Département fictif", phone="01 99 00 12 34")
    page = client_for(partner).get(reverse("referrals:detail", args=[detection.public_id])).content.decode()
    assert "CRIP du Département fictif — 01 99 00 12 34" in page
