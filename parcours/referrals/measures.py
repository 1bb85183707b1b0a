"""The figures of detection, protection and referral (parcours.stats.registry), on the shared kit.

Counts are over detections made (detected_on), transmissions sent (sent_on), feedback received
(feedback_on) and referrals made (referred_on) within the scope's days: events, not people (a young person
detected by two partners is two detections). For one organisation, detections and transmissions are those it
recorded; referrals those it made or received. A referral's state is its state today, not at the end of the
period. Delays are medians in days over the referrals of the period that reached the later step, with their
population (secrecy hides a median resting on fewer young people than the threshold).
"""

from __future__ import annotations

from django.db.models import Q

from parcours.people.models import Sex
from parcours.stats import kit
from parcours.stats.kit import choices_axis, counted, distributed, organisation_axis
from parcours.stats.registry import Part, Scope, register

from .models import (
    MINOR_AGE_BANDS,
    AgeBand,
    Detection,
    PlaceType,
    PlatformType,
    ProtectionReport,
    Referral,
    ReferralState,
)

SOURCE = (
    "Repérages, transmissions à la protection de l'enfance et orientations des partenaires, dans Parcours"
)
MINOR_LABELS = tuple(str(band.label) for band in AgeBand if band in MINOR_AGE_BANDS)


def _detections(scope: Scope):
    qs = scope.within(Detection.objects.all())
    if scope.organisation is not None:
        qs = qs.filter(organisation=scope.organisation)
    return qs


def _reports(scope: Scope):
    qs = scope.within(ProtectionReport.objects.all(), "detection__departement")
    if scope.organisation is not None:
        qs = qs.filter(detection__organisation=scope.organisation)
    return qs


def _referrals(scope: Scope):
    """Referrals of the département; for one organisation, those it made (the detecting partner) or received
    (the association): an association's own activity is the referrals it answers."""
    qs = scope.within(Referral.objects.all(), "detection__departement")
    if scope.organisation is not None:
        qs = qs.filter(Q(detection__organisation=scope.organisation) | Q(association=scope.organisation))
    return qs


def _detection_axes(prefix: str = "") -> dict[str, kit.Axis]:
    return {
        "organisation": organisation_axis(f"{prefix}organisation", kinds=None),
        "age_band": choices_axis(f"{prefix}age_band", AgeBand.choices),
        "sex": choices_axis(f"{prefix}sex", Sex.choices),
    }


detections = counted(
    _detections,
    date="detected_on",
    axes={
        **_detection_axes(),
        "place_type": choices_axis("place_type", PlaceType.choices),
        "platform_type": choices_axis("platform_type", PlatformType.choices),
    },
)
minor_detections = counted(
    lambda scope: _detections(scope).filter(is_minor=True), date="detected_on", axes=_detection_axes()
)
reports = counted(
    _reports,
    date="sent_on",
    axes={"kind": choices_axis("kind", ProtectionReport.Kind.choices), **_detection_axes("detection__")},
)
feedback = counted(
    lambda scope: _reports(scope).exclude(feedback=""),
    date="feedback_on",
    axes={"feedback": choices_axis("feedback", ProtectionReport.Feedback.choices)},
)
referrals = counted(
    _referrals,
    date="referred_on",
    axes={
        "state": choices_axis("state", ReferralState.choices),
        "association": organisation_axis("association"),
        "organisation": organisation_axis("detection__organisation", kinds=None),
        "sex": choices_axis("detection__sex", Sex.choices),
    },
)


def _delay(start: str, end: str):
    return distributed(
        lambda scope: _referrals(scope).filter(**{f"{end}__isnull": False}),
        date="referred_on",
        fields=(start, end),
        value=kit.days_between(0, 1),
        statistic="median",
        axes={"association": organisation_axis("association")},
        people="detection_id",
    )


def _m(code, label, definition, built, unit="count", **options):
    return kit.measure(code, label, definition, unit, built, source=SOURCE, **options)


register(
    _m(
        "referrals.detections",
        "Repérages",
        "Repérages enregistrés par les partenaires, à la date du repérage.",
        detections,
    ),
    _m(
        "referrals.minor_detections",
        "Repérages de mineur·es",
        "Repérages d'une personne de moins de 18 ans, à la date du repérage.",
        minor_detections,
        part_of=Part("referrals.detections", "age_band", MINOR_LABELS),
    ),
    _m(
        "referrals.protection_reports",
        "Transmissions à la protection de l'enfance",
        "Informations préoccupantes à la CRIP et signalements au procureur (CASF L. 226-3, L. 226-4), à la "
        "date d'envoi.",
        reports,
    ),
    _m(
        "referrals.protection_feedback",
        "Retours reçus sur les transmissions",
        "Retours de la CRIP ou du parquet enregistrés (CASF L. 226-5), à la date du retour, par nature.",
        feedback,
    ),
    _m(
        "referrals.referrals",
        "Orientations vers une association agréée",
        "Orientations de jeunes majeur·es, avec leur consentement, à la date de l'orientation ; pour un "
        "partenaire, celles qu'il a faites ou reçues ; ventilées selon leur état à ce jour (une orientation "
        "retirée reste une orientation faite).",
        referrals,
    ),
    _m(
        "referrals.referrals_accepted",
        "Orientations acceptées par l'association",
        "Orientations de la période que l'association a acceptées et qui le sont toujours à ce jour (ni "
        "retirées ni déclinées), à la date de l'orientation.",
        counted(
            lambda scope: _referrals(scope).filter(state=ReferralState.ACCEPTED),
            date="referred_on",
            axes={"association": organisation_axis("association")},
        ),
        part_of=Part("referrals.referrals", "state", (str(ReferralState.ACCEPTED.label),)),
    ),
    _m(
        "referrals.delay_detection_referral",
        "Délai médian du repérage à l'orientation",
        "Médiane, en jours, entre le repérage et l'orientation, sur les orientations de la période.",
        _delay("detection__detected_on", "referred_on"),
        unit="days",
    ),
    _m(
        "referrals.delay_referral_contact",
        "Délai médian de l'orientation au premier contact",
        "Médiane, en jours, entre l'orientation et le premier contact de l'association, sur les orientations "
        "de la période qui ont eu un premier contact.",
        _delay("referred_on", "first_contact_on"),
        unit="days",
    ),
    _m(
        "referrals.delay_contact_accompaniment",
        "Délai médian du premier contact au début de l'accompagnement",
        "Médiane, en jours, entre le premier contact et le début de l'accompagnement, sur les orientations "
        "de la période dont l'accompagnement a commencé.",
        _delay("first_contact_on", "accompaniment_started_on"),
        unit="days",
    ),
)
