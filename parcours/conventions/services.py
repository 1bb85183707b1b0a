"""Every write of conventions and of the departmental strategy: keyword-only, the actor first, atomic, with
its audit event in the same transaction. A refusal is a ValidationError in French (naming its field when it
is about one); nothing is saved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.dates import add_months, months_end
from parcours.core.models import Organisation, OrganisationKind
from parcours.core.policies import can
from parcours.stats import registry

from . import rules
from .models import (
    ActionReview,
    ActionStatus,
    Axis,
    Commitment,
    Convention,
    ConventionState,
    Indicator,
    IndicatorKind,
    ManualValue,
    Objective,
    Party,
    ReviewMeeting,
    Strategy,
    StrategyAction,
    StrategyReview,
    TargetBasis,
)


def _require(actor: Actor, permission: str) -> None:
    if actor is None or not can(actor, permission):
        raise PermissionDenied


def _own(actor: Actor, departement_id: int) -> None:
    if departement_id != actor.departement.pk:
        raise PermissionDenied


def check_editable(convention: Convention) -> None:
    if convention.state != ConventionState.IN_FORCE:
        raise ValidationError("La convention est close : elle ne peut plus être modifiée.")


def _next_order(qs) -> int:
    return (qs.aggregate(m=Max("order"))["m"] or 0) + 1


# --- Conventions ---


def convention_end(start: date, duration_months: int | None, end: date | None) -> date:
    """The end date from either a duration in months or an end date (exactly one of them)."""
    if duration_months and end:
        raise ValidationError({"end": "Indiquez la durée ou la date de fin, pas les deux."})
    if not duration_months and not end:
        raise ValidationError({"duration_months": "Indiquez la durée de la convention ou sa date de fin."})
    if duration_months:
        if duration_months > rules.MAX_CONVENTION_MONTHS:
            raise ValidationError(
                {"duration_months": f"La durée ne peut pas dépasser {rules.MAX_CONVENTION_MONTHS} mois."}
            )
        return months_end(start, duration_months)
    if end < start:
        raise ValidationError({"end": "La date de fin ne peut pas précéder la prise d'effet."})
    if end > add_months(start, rules.MAX_CONVENTION_MONTHS):
        raise ValidationError(
            {"end": f"La convention ne peut pas durer plus de {rules.MAX_CONVENTION_MONTHS} mois."}
        )
    return end


def _check_convention(
    actor: Actor,
    *,
    title: str,
    reference: str,
    signed_on: date,
    start: date,
    duration_months: int | None,
    end: date | None,
    convention: Convention | None = None,
) -> date:
    """The checks of a convention's general information, at creation and on correction; returns its end."""
    if not title.strip():
        raise ValidationError({"title": "L'intitulé de la convention est obligatoire."})
    if start < add_months(signed_on, -12):
        raise ValidationError(
            {"start": "La prise d'effet ne peut pas précéder la signature de plus d'un an."}
        )
    others = Convention.objects.filter(departement=actor.departement, reference=reference)
    if convention is not None:
        others = others.exclude(pk=convention.pk)
    if reference and others.exists():
        raise ValidationError({"reference": "Une convention du département porte déjà cette référence."})
    return convention_end(start, duration_months, end)


@transaction.atomic
def create_convention(
    *,
    actor: Actor,
    title: str,
    reference: str = "",
    signed_on: date,
    start: date,
    duration_months: int | None = None,
    end: date | None = None,
    renewal_terms: str = "",
) -> Convention:
    _require(actor, "conventions.manage")
    reference = reference.strip()
    end = _check_convention(
        actor,
        title=title,
        reference=reference,
        signed_on=signed_on,
        start=start,
        duration_months=duration_months,
        end=end,
    )
    convention = Convention.objects.create(
        departement=actor.departement,
        title=title.strip(),
        reference=reference,
        signed_on=signed_on,
        start=start,
        duration_months=duration_months or None,
        end=end,
        renewal_terms=renewal_terms.strip(),
        created_by=actor.user,
    )
    audit.record(actor, "create", convention, detail="convention de partenariat")
    return convention


@transaction.atomic
def update_convention(
    *,
    actor: Actor,
    convention: Convention,
    title: str,
    reference: str = "",
    signed_on: date,
    start: date,
    duration_months: int | None = None,
    end: date | None = None,
    renewal_terms: str = "",
) -> Convention:
    """Correct a convention's general information (a typo, an amendment of its dates) while it is in force,
    with the checks of its creation. What is already recorded must still fit: the values entered stay
    within its period, no review meeting precedes its signature."""
    _require(actor, "conventions.manage")
    _own(actor, convention.departement_id)
    check_editable(convention)
    reference = reference.strip()
    end = _check_convention(
        actor,
        title=title,
        reference=reference,
        signed_on=signed_on,
        start=start,
        duration_months=duration_months,
        end=end,
        convention=convention,
    )
    outside = (
        ManualValue.objects.filter(indicator__commitment__convention=convention)
        .filter(Q(period_start__lt=start) | Q(period_end__gt=end))
        .order_by("period_start")
        .first()
    )
    if outside is not None:
        field = "start" if outside.period_start < start else ("duration_months" if duration_months else "end")
        raise ValidationError(
            {
                field: f"Une valeur est saisie pour la période du {outside.period_start:%d/%m/%Y} au "
                f"{outside.period_end:%d/%m/%Y}, hors de la période du {start:%d/%m/%Y} au {end:%d/%m/%Y} : "
                "gardez une période qui la contient."
            }
        )
    early = convention.reviews.filter(held_on__lt=signed_on).order_by("held_on").first()
    if early is not None:
        raise ValidationError(
            {"signed_on": f"La réunion de suivi du {early.held_on:%d/%m/%Y} précède cette date de signature."}
        )
    convention.title, convention.reference, convention.renewal_terms = (
        title.strip(),
        reference,
        renewal_terms.strip(),
    )
    convention.signed_on, convention.start, convention.duration_months, convention.end = (
        signed_on,
        start,
        duration_months or None,
        end,
    )
    convention.save(
        update_fields=[
            "title",
            "reference",
            "renewal_terms",
            "signed_on",
            "start",
            "duration_months",
            "end",
            "updated_at",
        ]
    )
    audit.record(actor, "update", convention, detail="informations générales modifiées")
    return convention


@transaction.atomic
def add_axis(*, actor: Actor, convention: Convention, title: str) -> Axis:
    _require(actor, "conventions.manage")
    _own(actor, convention.departement_id)
    check_editable(convention)
    if not title.strip():
        raise ValidationError({"title": "L'intitulé de l'axe est obligatoire."})
    if convention.axes.filter(title=title.strip()).exists():
        raise ValidationError({"title": "Cet axe figure déjà dans la convention."})
    axis = Axis.objects.create(convention=convention, title=title.strip(), order=_next_order(convention.axes))
    audit.record(actor, "update", convention, detail="axe ajouté")
    return axis


def _close_gap(qs, order: int) -> None:
    """After a removal, the items that followed move up one place: « Axe 3 » becomes « Axe 2 », as in the
    list on the page."""
    qs.filter(order__gt=order).update(order=F("order") - 1)


@transaction.atomic
def rename_axis(*, actor: Actor, axis: Axis, title: str) -> Axis:
    _require(actor, "conventions.manage")
    convention = axis.convention
    _own(actor, convention.departement_id)
    check_editable(convention)
    if not title.strip():
        raise ValidationError({"title": "L'intitulé de l'axe est obligatoire."})
    if convention.axes.filter(title=title.strip()).exclude(pk=axis.pk).exists():
        raise ValidationError({"title": "Cet axe figure déjà dans la convention."})
    axis.title = title.strip()
    axis.save(update_fields=["title", "updated_at"])
    audit.record(actor, "update", convention, detail="axe renommé")
    return axis


def check_remove_axis(axis: Axis) -> None:
    check_editable(axis.convention)
    commitments = list(axis.commitments.select_related("party__organisation"))
    if commitments:
        named = " ; ".join(f"« {c} » ({c.party})" for c in commitments[:3])
        more = f" et {len(commitments) - 3} de plus" if len(commitments) > 3 else ""
        raise ValidationError(
            f"L'axe « {axis.title} » porte des engagements : {named}{more}. Retirez-les d'abord."
        )


@transaction.atomic
def remove_axis(*, actor: Actor, axis: Axis) -> None:
    _require(actor, "conventions.manage")
    convention = axis.convention
    _own(actor, convention.departement_id)
    check_remove_axis(axis)
    axis.delete()
    _close_gap(convention.axes, axis.order)
    audit.record(actor, "update", convention, detail="axe retiré")


@transaction.atomic
def add_party(
    *,
    actor: Actor,
    convention: Convention,
    organisation: Organisation | None = None,
    name: str = "",
    kind: str = "",
    signatory_name: str = "",
    signatory_capacity: str = "",
) -> Party:
    """A party: an organisation of the département, or a free-text party with its kind (not both)."""
    _require(actor, "conventions.manage")
    _own(actor, convention.departement_id)
    check_editable(convention)
    name = name.strip()
    if organisation is not None and name:
        raise ValidationError({"name": "Choisissez une organisation ou saisissez un nom, pas les deux."})
    if organisation is None and not name:
        raise ValidationError(
            {"organisation": "Choisissez une organisation du département ou saisissez le nom de la partie."}
        )
    if organisation is not None:
        if organisation.departement_id != convention.departement_id:
            raise ValidationError({"organisation": "Cette organisation n'est pas du département."})
        if convention.parties.filter(organisation=organisation).exists():
            raise ValidationError({"organisation": "Cette organisation est déjà partie à la convention."})
        kind = organisation.kind
    else:
        if kind not in OrganisationKind.values:
            raise ValidationError({"kind": "Choisissez le type de la partie."})
        if (
            convention.parties.filter(name__iexact=name).exists()
            or convention.parties.filter(organisation__name__iexact=name).exists()
        ):
            raise ValidationError({"name": "Une partie porte déjà ce nom dans la convention."})
    if signatory_capacity.strip() and not signatory_name.strip():
        raise ValidationError(
            {"signatory_name": "Indiquez le nom du signataire dont vous donnez la qualité."}
        )
    party = Party.objects.create(
        convention=convention,
        organisation=organisation,
        name=name,
        kind=kind,
        signatory_name=signatory_name.strip(),
        signatory_capacity=signatory_capacity.strip(),
        order=_next_order(convention.parties),
    )
    audit.record(actor, "update", convention, detail="partie ajoutée")
    return party


def check_remove_party(party: Party) -> None:
    if party.commitments.exists():
        raise ValidationError(
            "Cette partie porte des engagements : retirez-les d'abord, ou rattachez-les à une autre partie."
        )


@transaction.atomic
def remove_party(*, actor: Actor, party: Party) -> None:
    _require(actor, "conventions.manage")
    convention = party.convention
    _own(actor, convention.departement_id)
    check_editable(convention)
    check_remove_party(party)
    party.delete()
    audit.record(actor, "update", convention, detail="partie retirée")


@transaction.atomic
def add_commitment(
    *, actor: Actor, convention: Convention, party: Party, text: str, axis: Axis | None = None
) -> Commitment:
    _require(actor, "conventions.manage")
    _own(actor, convention.departement_id)
    check_editable(convention)
    if party.convention_id != convention.pk:
        raise ValidationError({"party": "Choisissez une partie de cette convention."})
    if axis is not None and axis.convention_id != convention.pk:
        raise ValidationError({"axis": "Choisissez un axe de cette convention."})
    if not text.strip():
        raise ValidationError({"text": "Le texte de l'engagement est obligatoire."})
    commitment = Commitment.objects.create(
        convention=convention,
        party=party,
        axis=axis,
        text=text.strip(),
        order=_next_order(convention.commitments),
    )
    audit.record(actor, "update", convention, detail="engagement ajouté")
    return commitment


@transaction.atomic
def remove_commitment(*, actor: Actor, commitment: Commitment) -> None:
    _require(actor, "conventions.manage")
    convention = commitment.convention
    _own(actor, convention.departement_id)
    check_editable(convention)
    commitment.delete()
    audit.record(actor, "update", convention, detail="engagement retiré avec ses indicateurs")


def _check_indicator(kind: str, measure_code: str, label: str, target: Decimal | None) -> None:
    if kind not in IndicatorKind.values:
        raise ValidationError({"kind": "Choisissez le type d'indicateur."})
    if kind == IndicatorKind.MEASURE:
        try:
            registry.get(measure_code)
        except KeyError:
            raise ValidationError(
                {"measure_code": "Cette mesure n'existe pas dans Parcours : choisissez-en une dans la liste."}
            ) from None
    elif not label.strip():
        raise ValidationError({"label": "Donnez un intitulé à l'indicateur saisi à la main."})
    if target is not None and target < 0:
        raise ValidationError({"target": "La cible ne peut pas être négative."})
    if target is not None and target > rules.MAX_FIGURE:
        raise ValidationError(
            {"target": f"La cible ne peut pas dépasser {rules.MAX_FIGURE:,}.".replace(",", " ")}
        )


@transaction.atomic
def add_indicator(
    *,
    actor: Actor,
    commitment: Commitment | None = None,
    objective: Objective | None = None,
    kind: str,
    measure_code: str = "",
    label: str = "",
    target: Decimal | None = None,
    target_basis: str = TargetBasis.YEAR,
    party_only: bool = False,
) -> Indicator:
    """An indicator of a convention's commitment or of a strategy's objective (exactly one of them)."""
    if (commitment is None) == (objective is None):
        raise ValidationError("Un indicateur mesure un engagement ou un objectif.")
    if commitment is not None:
        _require(actor, "conventions.manage")
        _own(actor, commitment.convention.departement_id)
        check_editable(commitment.convention)
        owner = commitment.convention
    else:
        _require(actor, "strategy.manage")
        _own(actor, objective.strategy.departement_id)
        owner = objective.strategy
        party_only = False
    _check_indicator(kind, measure_code, label, target)
    if target_basis not in TargetBasis.values:
        raise ValidationError({"target_basis": "Dites si la cible vaut par an ou sur toute la période."})
    if party_only and (kind != IndicatorKind.MEASURE or commitment.party.organisation_id is None):
        raise ValidationError(
            {
                "party_only": "Seule une mesure calculée peut se limiter à l'activité d'une partie qui "
                "est une "
                "organisation du département."
            }
        )
    indicator = Indicator.objects.create(
        commitment=commitment,
        objective=objective,
        kind=kind,
        measure_code=measure_code if kind == IndicatorKind.MEASURE else "",
        label=label.strip(),
        target=target,
        target_basis=target_basis,
        party_only=party_only,
    )
    audit.record(actor, "update", owner, detail="indicateur ajouté")
    return indicator


def _indicator_owner(indicator: Indicator):
    return indicator.commitment.convention if indicator.commitment_id else indicator.objective.strategy


def _indicator_period(indicator: Indicator) -> tuple[date, date]:
    owner = _indicator_owner(indicator)
    if isinstance(owner, Convention):
        return owner.start, owner.end
    return date(owner.first_year, 1, 1), date(owner.last_year, 12, 31)


def _require_indicator(actor: Actor, indicator: Indicator):
    owner = _indicator_owner(indicator)
    _require(actor, "conventions.manage" if isinstance(owner, Convention) else "strategy.manage")
    _own(actor, owner.departement_id)
    if isinstance(owner, Convention):
        check_editable(owner)
    return owner


@transaction.atomic
def remove_indicator(*, actor: Actor, indicator: Indicator) -> None:
    owner = _require_indicator(actor, indicator)
    indicator.delete()
    audit.record(actor, "update", owner, detail="indicateur retiré avec ses valeurs")


@transaction.atomic
def add_manual_value(
    *,
    actor: Actor,
    indicator: Indicator,
    period_start: date,
    period_end: date,
    value: Decimal,
    note: str = "",
) -> ManualValue:
    owner = _require_indicator(actor, indicator)
    if indicator.kind != IndicatorKind.MANUAL:
        raise ValidationError("Cet indicateur est calculé par Parcours : ses valeurs ne se saisissent pas.")
    if period_end < period_start:
        raise ValidationError({"period_end": "La fin de la période ne peut pas précéder son début."})
    first, last = _indicator_period(indicator)
    if period_start < first or period_end > last:
        raise ValidationError(
            {
                "period_start": f"La période doit être comprise entre le {first:%d/%m/%Y} et le "
                f"{last:%d/%m/%Y}."
            }
        )
    if value < 0:
        raise ValidationError({"value": "La valeur ne peut pas être négative."})
    if value > rules.MAX_FIGURE:
        raise ValidationError({"value": "Cette valeur est trop grande."})
    if indicator.values.filter(period_start__lte=period_end, period_end__gte=period_start).exists():
        raise ValidationError(
            {"period_start": "Une valeur est déjà saisie pour une période qui chevauche celle-ci."}
        )
    entry = ManualValue.objects.create(
        indicator=indicator, period_start=period_start, period_end=period_end, value=value, note=note.strip()
    )
    audit.record(actor, "update", owner, detail="valeur d'indicateur saisie")
    return entry


@transaction.atomic
def record_review_meeting(
    *,
    actor: Actor,
    convention: Convention,
    held_on: date,
    participants: str,
    minutes: str,
    decisions: str = "",
) -> ReviewMeeting:
    _require(actor, "conventions.manage")
    _own(actor, convention.departement_id)
    if held_on < convention.signed_on:
        raise ValidationError(
            {"held_on": "Une réunion de suivi ne peut pas précéder la signature de la convention."}
        )
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "La réunion ne peut pas être datée dans le futur."})
    if not participants.strip():
        raise ValidationError({"participants": "Indiquez qui a participé à la réunion."})
    if not minutes.strip():
        raise ValidationError({"minutes": "Le compte rendu est obligatoire."})
    review = ReviewMeeting.objects.create(
        convention=convention,
        held_on=held_on,
        participants=participants.strip(),
        minutes=minutes.strip(),
        decisions=decisions.strip(),
        recorded_by=actor.user,
    )
    audit.record(actor, "update", convention, detail="réunion de suivi enregistrée")
    return review


def check_close(convention: Convention, day: date) -> None:
    check_editable(convention)
    if day < convention.start:
        raise ValidationError({"day": "La clôture ne peut pas précéder la prise d'effet de la convention."})


@transaction.atomic
def close_convention(*, actor: Actor, convention: Convention, day: date, reason: str) -> Convention:
    """End a convention (term reached, not renewed, terminated by a party): it stays readable, its figures
    stop at the closing day, nothing can be added to it any more."""
    _require(actor, "conventions.manage")
    _own(actor, convention.departement_id)
    check_close(convention, day)
    if not reason.strip():
        raise ValidationError({"reason": "Le motif de la clôture est obligatoire."})
    convention.state, convention.closed_on, convention.closing_reason = (
        ConventionState.CLOSED,
        day,
        reason.strip(),
    )
    if day < convention.end:
        convention.end = day
    convention.save(update_fields=["state", "closed_on", "closing_reason", "end", "updated_at"])
    audit.record(actor, "transition", convention, detail="convention close")
    return convention


# --- The departmental strategy ---


def _check_strategy(
    actor: Actor, *, title: str, first_year: int, last_year: int, strategy: Strategy | None = None
) -> None:
    """The checks of a strategy's general information, at creation and on correction."""
    if not title.strip():
        raise ValidationError({"title": "L'intitulé de la stratégie est obligatoire."})
    if last_year < first_year:
        raise ValidationError({"last_year": "La dernière année ne peut pas précéder la première."})
    if last_year - first_year + 1 > rules.MAX_STRATEGY_YEARS:
        raise ValidationError({"last_year": f"Une stratégie couvre au plus {rules.MAX_STRATEGY_YEARS} ans."})
    others = Strategy.objects.filter(
        departement=actor.departement, first_year__lte=last_year, last_year__gte=first_year
    )
    if strategy is not None:
        others = others.exclude(pk=strategy.pk)
    if others.exists():
        raise ValidationError(
            {"first_year": "Une stratégie du département couvre déjà une partie de ces années."}
        )


@transaction.atomic
def create_strategy(
    *, actor: Actor, title: str, first_year: int, last_year: int, adopted_on: date | None = None
) -> Strategy:
    _require(actor, "strategy.manage")
    _check_strategy(actor, title=title, first_year=first_year, last_year=last_year)
    strategy = Strategy.objects.create(
        departement=actor.departement,
        title=title.strip(),
        first_year=first_year,
        last_year=last_year,
        adopted_on=adopted_on,
        created_by=actor.user,
    )
    audit.record(actor, "create", strategy, detail="stratégie départementale")
    return strategy


def _check_strategy_contents(strategy: Strategy, first_year: int, last_year: int) -> None:
    """What the strategy already holds must stay within its years: actions' deadlines, yearly reviews,
    values entered. The error names the first item that would fall outside."""
    first, last = date(first_year, 1, 1), date(last_year, 12, 31)
    action = (
        StrategyAction.objects.filter(objective__strategy=strategy)
        .filter(Q(deadline__lt=first) | Q(deadline__gt=last))
        .order_by("deadline")
        .first()
    )
    if action is not None:
        raise ValidationError(
            {
                "first_year" if action.deadline < first else "last_year": f"L'échéance de l'action "
                f"« {action.title} » ({action.deadline:%d/%m/%Y}) sortirait de ces années : changez-la "
                "d'abord."
            }
        )
    review = strategy.reviews.exclude(year__gte=first_year, year__lte=last_year).order_by("year").first()
    if review is not None:
        raise ValidationError(
            {
                "first_year" if review.year < first_year else "last_year": f"Le bilan {review.year} est "
                "enregistré : gardez cette année dans la stratégie."
            }
        )
    value = (
        ManualValue.objects.filter(indicator__objective__strategy=strategy)
        .filter(Q(period_start__lt=first) | Q(period_end__gt=last))
        .order_by("period_start")
        .first()
    )
    if value is not None:
        raise ValidationError(
            {
                "first_year" if value.period_start < first else "last_year": f"Une valeur est saisie pour la "
                f"période du {value.period_start:%d/%m/%Y} au {value.period_end:%d/%m/%Y} : gardez des "
                "années qui la contiennent."
            }
        )


@transaction.atomic
def update_strategy(
    *,
    actor: Actor,
    strategy: Strategy,
    title: str,
    first_year: int,
    last_year: int,
    adopted_on: date | None = None,
) -> Strategy:
    """Correct a strategy's general information, with the checks of its creation; what it already holds
    (deadlines, reviews, values) must stay within its years."""
    _require(actor, "strategy.manage")
    _own(actor, strategy.departement_id)
    _check_strategy(actor, title=title, first_year=first_year, last_year=last_year, strategy=strategy)
    _check_strategy_contents(strategy, first_year, last_year)
    strategy.title, strategy.first_year, strategy.last_year, strategy.adopted_on = (
        title.strip(),
        first_year,
        last_year,
        adopted_on,
    )
    strategy.save(update_fields=["title", "first_year", "last_year", "adopted_on", "updated_at"])
    audit.record(actor, "update", strategy, detail="informations générales modifiées")
    return strategy


@transaction.atomic
def add_objective(*, actor: Actor, strategy: Strategy, title: str) -> Objective:
    _require(actor, "strategy.manage")
    _own(actor, strategy.departement_id)
    if not title.strip():
        raise ValidationError({"title": "L'intitulé de l'objectif est obligatoire."})
    if strategy.objectives.filter(title=title.strip()).exists():
        raise ValidationError({"title": "Cet objectif figure déjà dans la stratégie."})
    objective = Objective.objects.create(
        strategy=strategy, title=title.strip(), order=_next_order(strategy.objectives)
    )
    audit.record(actor, "update", strategy, detail="objectif ajouté")
    return objective


def check_remove_objective(objective: Objective) -> None:
    titles = list(objective.actions.values_list("title", flat=True)[:4])
    if titles:
        named = " ; ".join(f"« {t} »" for t in titles[:3])
        more = " et d'autres" if len(titles) > 3 else ""
        raise ValidationError(
            f"L'objectif « {objective.title} » porte des actions : {named}{more}. Retirez-les d'abord."
        )


@transaction.atomic
def remove_objective(*, actor: Actor, objective: Objective) -> None:
    """Remove an objective that has no action; its indicators and their values go with it."""
    _require(actor, "strategy.manage")
    strategy = objective.strategy
    _own(actor, strategy.departement_id)
    check_remove_objective(objective)
    objective.delete()
    _close_gap(strategy.objectives, objective.order)
    audit.record(actor, "update", strategy, detail="objectif retiré avec ses indicateurs")


def _check_action(strategy: Strategy, owner: Organisation, deadline: date, status: str) -> None:
    if owner.departement_id != strategy.departement_id:
        raise ValidationError({"owner": "Le porteur doit être une organisation du département."})
    if not date(strategy.first_year, 1, 1) <= deadline <= date(strategy.last_year, 12, 31):
        raise ValidationError(
            {"deadline": f"L'échéance doit tomber entre {strategy.first_year} et {strategy.last_year}."}
        )
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choisissez l'état de l'action."})


@transaction.atomic
def add_action(
    *,
    actor: Actor,
    objective: Objective,
    title: str,
    owner: Organisation,
    deadline: date,
    status: str = ActionStatus.PLANNED,
) -> StrategyAction:
    strategy = objective.strategy
    _require(actor, "strategy.manage")
    _own(actor, strategy.departement_id)
    if not title.strip():
        raise ValidationError({"title": "L'intitulé de l'action est obligatoire."})
    _check_action(strategy, owner, deadline, status)
    action = StrategyAction.objects.create(
        objective=objective, title=title.strip(), owner=owner, deadline=deadline, status=status
    )
    audit.record(actor, "update", strategy, detail="action ajoutée")
    return action


@transaction.atomic
def update_action(*, actor: Actor, action: StrategyAction, status: str, deadline: date) -> StrategyAction:
    strategy = action.objective.strategy
    _require(actor, "strategy.manage")
    _own(actor, strategy.departement_id)
    _check_action(strategy, action.owner, deadline, status)
    action.status, action.deadline = status, deadline
    action.save(update_fields=["status", "deadline", "updated_at"])
    audit.record(actor, "update", strategy, detail="action mise à jour")
    return action


def check_remove_action(action: StrategyAction) -> None:
    """An action whose status a yearly review recorded is part of that review: it is not removed (it may be
    abandoned)."""
    years = sorted(action.reviews.values_list("review__year", flat=True))
    if years:
        listed = f"le bilan {years[0]}" if len(years) == 1 else "les bilans " + ", ".join(map(str, years))
        raise ValidationError(
            f"L'action « {action.title} » figure dans {listed} : elle ne peut plus être retirée. "
            "Passez-la à l'état « Abandonnée »."
        )


@transaction.atomic
def remove_action(*, actor: Actor, action: StrategyAction) -> None:
    strategy = action.objective.strategy
    _require(actor, "strategy.manage")
    _own(actor, strategy.departement_id)
    check_remove_action(action)
    action.delete()
    audit.record(actor, "update", strategy, detail="action retirée")


@transaction.atomic
def record_strategy_review(
    *, actor: Actor, strategy: Strategy, year: int, held_on: date, text: str, statuses: dict[int, str]
) -> StrategyReview:
    """The yearly review: its text, and the status of each action that day (which becomes the action's
    current status). `statuses` maps an action's pk to its status."""
    _require(actor, "strategy.manage")
    _own(actor, strategy.departement_id)
    if not strategy.first_year <= year <= strategy.last_year:
        raise ValidationError(
            {"year": f"L'année doit être comprise entre {strategy.first_year} et {strategy.last_year}."}
        )
    if strategy.reviews.filter(year=year).exists():
        raise ValidationError({"year": "Le bilan de cette année est déjà enregistré."})
    if held_on.year < year:
        raise ValidationError(
            {"held_on": "Le bilan d'une année ne peut pas être daté d'une année antérieure."}
        )
    if not text.strip():
        raise ValidationError({"text": "Le texte du bilan est obligatoire."})
    actions = {a.pk: a for a in StrategyAction.objects.filter(objective__strategy=strategy)}
    if set(statuses) - set(actions) or any(s not in ActionStatus.values for s in statuses.values()):
        raise ValidationError("Un état d'action n'est pas valable : rechargez la page.")
    review = StrategyReview.objects.create(strategy=strategy, year=year, held_on=held_on, text=text.strip())
    ActionReview.objects.bulk_create(
        [ActionReview(review=review, action=actions[pk], status=status) for pk, status in statuses.items()]
    )
    for pk, status in statuses.items():
        if actions[pk].status != status:
            actions[pk].status = status
            actions[pk].save(update_fields=["status", "updated_at"])
    audit.record(actor, "update", strategy, detail=f"bilan annuel {year}")
    return review
