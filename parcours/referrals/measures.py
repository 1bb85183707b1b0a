"""The figures of detection, protection and referral (parcours.stats.registry).

Counts are over detections made (detected_on), transmissions sent (sent_on), feedback received
(feedback_on) and referrals made (referred_on) within the scope's days: events, not people (a young person
detected by two partners is two detections). For one organisation, referrals are those it made or received.
A referral's state is its state today, not at the end of the period. Delays are medians in days over the
referrals that reached the later step, with their population (secrecy hides a median resting on fewer
people than the threshold)."""

from __future__ import annotations

from collections import Counter
from statistics import median

from django.db.models import Q

from parcours.stats.registry import Measure, Part, Scope, register

from .models import MINOR_AGE_BANDS, AgeBand, Detection, ProtectionReport, Referral, ReferralState

MINOR_BANDS = sorted(MINOR_AGE_BANDS)


def _detections(scope: Scope):
    qs = Detection.objects.filter(departement=scope.departement, detected_on__range=(scope.start, scope.end))
    if scope.organisation is not None:
        qs = qs.filter(organisation=scope.organisation)
    return qs


def _reports(scope: Scope):
    qs = ProtectionReport.objects.filter(detection__departement=scope.departement)
    if scope.organisation is not None:
        qs = qs.filter(detection__organisation=scope.organisation)
    return qs


def _referrals(scope: Scope):
    """Referrals made in the period; for one organisation, those it made (the detecting partner) or received
    (the association): an association's own activity is the referrals it answers."""
    qs = Referral.objects.filter(
        detection__departement=scope.departement, referred_on__range=(scope.start, scope.end)
    )
    if scope.organisation is not None:
        qs = qs.filter(Q(detection__organisation=scope.organisation) | Q(association=scope.organisation))
    return qs


def _by(rows, key) -> dict[str, int]:
    return dict(Counter(key(r) for r in rows))


def _breakdown(qs, by, date_field):
    if by == "organisation":
        return _by(qs.select_related("organisation"), lambda d: d.organisation.name)
    if by == "age_band":
        labels = dict(AgeBand.choices)
        return _by(qs.only("age_band"), lambda d: labels[d.age_band])
    if by == "month":
        return _by(qs.only(date_field), lambda d: f"{getattr(d, date_field):%Y-%m}")
    raise ValueError(by)


def detections(scope: Scope, by: str | None = None):
    qs = _detections(scope)
    return qs.count() if by is None else _breakdown(qs, by, "detected_on")


def minor_detections(scope: Scope, by: str | None = None):
    qs = _detections(scope).filter(is_minor=True)
    return qs.count() if by is None else _breakdown(qs, by, "detected_on")


def reports_by_kind(scope: Scope, by: str | None = None):
    qs = _reports(scope).filter(sent_on__range=(scope.start, scope.end))
    if by is None:
        return qs.count()
    if by != "kind":
        raise ValueError(by)
    labels = dict(ProtectionReport.Kind.choices)
    return _by(qs.only("kind"), lambda r: labels[r.kind])


def feedback_received(scope: Scope, by: str | None = None):
    qs = _reports(scope).filter(feedback_on__range=(scope.start, scope.end))
    if by is None:
        return qs.count()
    if by != "kind":
        raise ValueError(by)
    labels = dict(ProtectionReport.Feedback.choices)
    return _by(qs.only("feedback"), lambda r: labels[r.feedback])


def referrals(scope: Scope, by: str | None = None):
    qs = _referrals(scope)
    if by is None:
        return qs.count()
    if by == "state":
        labels = dict(ReferralState.choices)
        return _by(qs.only("state"), lambda r: labels[r.state])
    if by == "association":
        return _by(qs.select_related("association"), lambda r: r.association.name)
    raise ValueError(by)


def _delays(scope: Scope, start: str, end: str) -> list[int]:
    rows = _referrals(scope).filter(**{f"{end}__isnull": False}).select_related("detection")
    days = []
    for r in rows:
        first = r.detection.detected_on if start == "detected_on" else getattr(r, start)
        days.append((getattr(r, end) - first).days)
    return days


def _median_measure(code, label, definition, start, end):
    def compute(scope: Scope, by: str | None = None):
        values = _delays(scope, start, end)
        return float(median(values)) if values else None

    return Measure(
        code=code,
        label=label,
        definition=definition,
        unit="days",
        compute=compute,
        population=lambda scope: len(_delays(scope, start, end)),
    )


BREAKDOWNS = ("organisation", "age_band", "month")

register(
    Measure(
        "referrals.detections",
        "Repérages",
        "Repérages enregistrés par les partenaires, à la date du repérage.",
        "count",
        detections,
        BREAKDOWNS,
    ),
    Measure(
        "referrals.minor_detections",
        "Repérages de mineur·es",
        "Repérages d'une personne de moins de 18 ans, à la date du repérage.",
        "count",
        minor_detections,
        BREAKDOWNS,
        part_of=Part("referrals.detections", "age_band", tuple(str(AgeBand(b).label) for b in MINOR_BANDS)),
    ),
    Measure(
        "referrals.protection_reports",
        "Transmissions à la protection de l'enfance",
        "Informations préoccupantes à la CRIP et signalements au procureur, à la date d'envoi.",
        "count",
        reports_by_kind,
        ("kind",),
    ),
    Measure(
        "referrals.protection_feedback",
        "Retours reçus sur les transmissions",
        "Retours de la CRIP ou du parquet enregistrés (CASF L. 226-5), à la date du retour.",
        "count",
        feedback_received,
        ("kind",),
    ),
    Measure(
        "referrals.referrals",
        "Orientations vers une association agréée",
        "Orientations de jeunes majeur·es, avec leur consentement, à la date de l'orientation ; pour un "
        "partenaire, celles qu'il a faites ou reçues ; ventilées selon leur état à ce jour.",
        "count",
        referrals,
        ("state", "association"),
    ),
    _median_measure(
        "referrals.delay_detection_referral",
        "Délai médian du repérage à l'orientation",
        "Médiane, en jours, entre le repérage et l'orientation, sur les orientations de la période.",
        "detected_on",
        "referred_on",
    ),
    _median_measure(
        "referrals.delay_referral_contact",
        "Délai médian de l'orientation au premier contact",
        "Médiane, en jours, entre l'orientation et le premier contact de l'association, sur les orientations "
        "de la période qui ont eu un premier contact.",
        "referred_on",
        "first_contact_on",
    ),
    _median_measure(
        "referrals.delay_contact_accompaniment",
        "Délai médian du premier contact au début de l'accompagnement",
        "Médiane, en jours, entre le premier contact et le début de l'accompagnement, sur les orientations "
        "de la période dont l'accompagnement a commencé.",
        "first_contact_on",
        "accompaniment_started_on",
    ),
)
