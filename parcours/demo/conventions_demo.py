"""The demo département's partnership convention and departmental strategy.

The convention follows the public text of the Rhône convention of 9 June 2023 (prefecture, the union of the
Missions Locales and its members, two approved associations; four axes: seed 001), adapted to the demo's own
organisations; its commitments are measured by registry codes (parcours.stats.registry), including codes
other apps register (referrals, actions): a code not registered in this installation is stored all the same
and its page says that the indicator's source is not available. The strategy 2026–2028 follows the four axes
of the national plan (sensitise, detect and protect, accompany, prosecute).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from parcours.conventions import services
from parcours.conventions.models import ActionStatus, Indicator, IndicatorKind, TargetBasis
from parcours.core.models import Organisation, OrganisationKind
from parcours.stats import registry

# The four axes of the Rhône convention of 9 June 2023 (public communiqué, seed 001), « Missions Locales »
# kept as the text says.
AXES = [
    "Développer une coopération renforcée sur la détection et l'accompagnement des publics des Missions "
    "Locales impliqués dans une problématique de prostitution des mineurs et jeunes majeurs, dans le cadre "
    "de la mise en œuvre du plan de lutte contre la prostitution des mineurs.",
    "Développer et partager une connaissance des spécificités de ces publics et de leurs besoins, en "
    "s'appuyant sur l'expertise des associations agréées.",
    "Identifier, coordonner et conjuguer les compétences pour améliorer la prise en charge de ces publics "
    "s'inscrivant dans un parcours de sortie de la prostitution et/ou accompagnés par les associations.",
    "Mutualiser les réseaux, améliorer les coopérations et les partenariats institutionnels et autres.",
]

# Synthetic Missions Locales and their union (organisations only, no account).
MISSIONS_LOCALES = ["Mission locale des Coteaux de Démo", "Mission locale de Démoville Nord"]
UNION = "Union départementale des Missions locales de démonstration"


def _organisation(departement, name: str, kind: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        departement=departement, name=name, defaults={"kind": kind, "email": "contact@demo.invalid"}
    )
    return organisation


def _indicator(actor, commitment, code: str, target: int | None = None, **kwargs) -> Indicator:
    """A registry indicator; a code that no app registers here is kept as is (the page says so)."""
    target_value = Decimal(target) if target is not None else None
    try:
        registry.get(code)
    except KeyError:
        return Indicator.objects.create(
            commitment=commitment,
            kind=IndicatorKind.MEASURE,
            measure_code=code,
            target=target_value,
            **kwargs,
        )
    return services.add_indicator(
        actor=actor,
        commitment=commitment,
        kind=IndicatorKind.MEASURE,
        measure_code=code,
        target=target_value,
        **kwargs,
    )


def build_convention(builder) -> None:
    actor = builder.secretariat
    departement = actor.departement
    today = builder.today
    prefecture, escale, horizons = builder.orgs[0], builder.orgs[3], builder.orgs[4]
    missions = list(
        Organisation.objects.filter(departement=departement, kind=OrganisationKind.MISSION_LOCALE).order_by(
            "pk"
        )
    )
    for name in MISSIONS_LOCALES:
        if len(missions) >= 3:
            break
        missions.append(_organisation(departement, name, OrganisationKind.MISSION_LOCALE))
    union = _organisation(departement, UNION, OrganisationKind.OTHER)
    signed = date(today.year - 2, 6, 9)
    convention = services.create_convention(
        actor=actor,
        title="Convention de partenariat pour l'accompagnement des victimes, mineures et majeures, de la "
        "prostitution, du proxénétisme et de la traite des êtres humains",
        reference=f"CONV-99-{signed.year}-01",
        signed_on=signed,
        start=signed,
        duration_months=36,
        renewal_terms="Renouvelable par avenant après bilan présenté en commission plénière.",
    )
    axes = [services.add_axis(actor=actor, convention=convention, title=title) for title in AXES]
    party = {}
    for key, organisation, signatory, capacity in [
        ("prefecture", prefecture, "Paul Signataire", "Directeur de cabinet du préfet"),
        ("union", union, "Hugo Conseiller", "Président de l'union départementale"),
        ("escale", escale, "Marc Responsable", "Directeur de l'association"),
        ("horizons", horizons, "Lucie Travailleuse-Sociale", "Déléguée départementale"),
    ]:
        party[key] = services.add_party(
            actor=actor,
            convention=convention,
            organisation=organisation,
            signatory_name=signatory,
            signatory_capacity=capacity,
        )
    for index, organisation in enumerate(missions):
        party[f"ml{index}"] = services.add_party(
            actor=actor, convention=convention, organisation=organisation
        )

    def commit(key, axis, text):
        return services.add_commitment(
            actor=actor, convention=convention, party=party[key], axis=axes[axis], text=text
        )

    detect = commit(
        "ml0",
        0,
        "Repérer les jeunes accompagnés exposés à la prostitution ou en situation de prostitution, "
        "transmettre pour un mineur, orienter un jeune majeur vers une association agréée avec son accord.",
    )
    _indicator(actor, detect, "referrals.detections", 20, party_only=True)
    _indicator(actor, detect, "referrals.referrals_accepted", 10)
    outreach = commit(
        "escale",
        0,
        "Mener des maraudes de rue et numériques et proposer un accompagnement aux jeunes rencontrés.",
    )
    _indicator(actor, outreach, "actions.outreach_rounds", 24)
    training = commit(
        "horizons",
        1,
        "Former les conseillers des Missions locales aux spécificités de ces publics et à leurs besoins.",
    )
    _indicator(actor, training, "actions.trainings", 4)
    _indicator(actor, training, "actions.training_attendees", 60)
    exchanges = services.add_indicator(
        actor=actor,
        commitment=training,
        kind=IndicatorKind.MANUAL,
        label="Réunions d'échange de pratiques entre conseillers et associations",
        target=Decimal(3),
    )
    for year in range(signed.year, today.year + 1):
        end = min(date(year, 12, 31), today)
        start = max(date(year, 1, 1), signed)
        if end >= start:
            services.add_manual_value(
                actor=actor,
                indicator=exchanges,
                period_start=start,
                period_end=end,
                value=Decimal(2 + year % 2),
            )
    pathways = commit(
        "escale",
        2,
        "Construire avec les personnes orientées une demande de parcours de sortie de la prostitution et les "
        "accompagner pendant le parcours.",
    )
    _indicator(actor, pathways, "pathways.requests_submitted", 8)
    _indicator(actor, pathways, "pathways.authorisations", 6)
    _indicator(actor, pathways, "pathways.active_at_end")
    network = commit(
        "prefecture",
        3,
        "Réunir la commission départementale au moins deux fois par an et le comité de suivi de la "
        "convention chaque année.",
    )
    _indicator(actor, network, "commission.meetings_held", 2)
    _indicator(actor, network, "commission.decisions_signed", target=None)
    services.record_review_meeting(
        actor=actor,
        convention=convention,
        held_on=min(signed + timedelta(days=365), today),
        participants="Préfecture (DDFE), union des Missions locales et deux Missions locales, L'Escale, "
        "Horizons Solidaires",
        minutes="Bilan de la première année : les conseillers formés repèrent davantage de situations ; les "
        "orientations vers les associations restent peu nombreuses, faute de place en hébergement.",
        decisions="Une session de formation supplémentaire au second semestre ; un référent par Mission "
        "locale.",
    )


def build_strategy(builder) -> None:
    actor = builder.secretariat
    today = builder.today
    prefecture, escale, horizons = builder.orgs[0], builder.orgs[3], builder.orgs[4]
    child_welfare, justice = builder.orgs[7], builder.orgs[10]
    strategy = services.create_strategy(
        actor=actor,
        title="Stratégie départementale de lutte contre le système prostitutionnel",
        first_year=2026,
        last_year=2028,
        adopted_on=date(2026, 3, 12) if today >= date(2026, 3, 12) else None,
    )

    def clip(day: date) -> date:
        return min(max(day, date(2026, 1, 31)), date(2028, 12, 31))

    overdue = clip(today - timedelta(days=20))
    plan = [
        (
            "Sensibiliser et prévenir",
            [
                (
                    "Intervenir dans chaque collège du département",
                    horizons,
                    date(2027, 6, 30),
                    ActionStatus.IN_PROGRESS,
                ),
                ("Former les professionnels en formations croisées", horizons, overdue, ActionStatus.PLANNED),
            ],
            [("actions.trainings", 6)],
        ),
        (
            "Repérer et protéger les mineurs",
            [
                (
                    "Diffuser le protocole de transmission à la CRIP",
                    child_welfare,
                    clip(date(2026, 9, 30)),
                    ActionStatus.DONE,
                ),
                (
                    "Nommer un magistrat référent et le faire connaître",
                    justice,
                    overdue,
                    ActionStatus.IN_PROGRESS,
                ),
            ],
            [("referrals.detections", 30)],
        ),
        (
            "Accompagner vers la sortie de la prostitution",
            [
                ("Ouvrir dix places d'hébergement dédiées", escale, date(2028, 6, 30), ActionStatus.PLANNED),
                (
                    "Réduire le délai entre demande et décision",
                    prefecture,
                    date(2027, 12, 31),
                    ActionStatus.IN_PROGRESS,
                ),
            ],
            [("pathways.active_at_end", 15), ("pathways.authorisations", 8)],
        ),
    ]
    for title, actions, indicators in plan:
        objective = services.add_objective(actor=actor, strategy=strategy, title=title)
        for action_title, owner, deadline, status in actions:
            services.add_action(
                actor=actor,
                objective=objective,
                title=action_title,
                owner=owner,
                deadline=deadline,
                status=status,
            )
        for code, target in indicators:
            target_value = Decimal(target)
            try:
                registry.get(code)
            except KeyError:
                Indicator.objects.create(
                    objective=objective, kind=IndicatorKind.MEASURE, measure_code=code, target=target_value
                )
            else:
                services.add_indicator(
                    actor=actor,
                    objective=objective,
                    kind=IndicatorKind.MEASURE,
                    measure_code=code,
                    target=target_value,
                    target_basis=TargetBasis.YEAR,
                )
    if today.year > 2026:
        actions = {a.pk: a.status for o in strategy.objectives.all() for a in o.actions.all()}
        services.record_strategy_review(
            actor=actor,
            strategy=strategy,
            year=2026,
            held_on=date(2027, 1, 20) if today >= date(2027, 1, 20) else today,
            text="Première année : le protocole CRIP est diffusé ; les formations croisées ont pris du "
            "retard.",
            statuses=actions,
        )


def build(builder) -> None:
    build_convention(builder)
    build_strategy(builder)
