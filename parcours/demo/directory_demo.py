"""The demo directory of département 99: a synthetic but realistic network (docs/annuaire.md).

Every name is fictitious; phone numbers are in the 01 99 00 range, which is not assigned to any subscriber,
and e-mail addresses end in « .invalid » (RFC 2606): nothing here reaches a real service. The approved
associations are not typed: the directory reads them from the agrément register the demo already built.
"""

from __future__ import annotations

from parcours.directory import services

ENTRIES = (
    {
        "category": "crip",
        "name": "CRIP 99 — Cellule de recueil des informations préoccupantes",
        "contact_function": "Cadre de permanence de la CRIP",
        "phone": "01 99 00 10 10",
        "email": "crip@demo.invalid",
        "address": "Hôtel du Département, 1 place de la République, 99000 Villefictive",
        "commune": "Villefictive",
        "hours": "Lundi au vendredi, 9 h – 17 h 30 ; en dehors : le 119",
        "what_to_send": "Toute information préoccupante concernant un mineur en danger ou en risque "
        "de l'être (prostitution, fugues répétées, argent inexpliqué) : le formulaire d'information "
        "préoccupante, par courriel sécurisé. Danger grave et immédiat : signalement au procureur, "
        "copie à la CRIP.",
        "audience": "minors",
    },
    {
        "category": "referent_magistrate",
        "name": "Parquet du tribunal judiciaire de Villefictive — section des mineurs",
        "contact_name": "Mme Alix Fictive",
        "contact_function": "Magistrate référente prostitution des mineurs",
        "phone": "01 99 00 20 20",
        "email": "parquet-mineurs@demo.invalid",
        "address": "Tribunal judiciaire, 2 quai de la Justice, 99000 Villefictive",
        "commune": "Villefictive",
        "hours": "Permanence du parquet 24 h/24",
        "what_to_send": "Signalement d'un mineur en danger grave et immédiat (art. L. 226-4 CASF) ; "
        "informer la CRIP en copie.",
        "audience": "minors",
    },
    {
        "category": "police_referent",
        "name": "Brigade de protection des familles de Villefictive",
        "contact_function": "Référent prostitution des mineurs",
        "phone": "01 99 00 30 30",
        "email": "bpf@demo.invalid",
        "commune": "Villefictive",
        "hours": "Lundi au vendredi, 8 h – 18 h ; urgence : le 17",
        "what_to_send": "Audition d'un mineur victime, faits de proxénétisme, disparition inquiétante.",
        "audience": "both",
    },
    {
        "category": "gendarmerie_referent",
        "name": "Maison de protection des familles du groupement de gendarmerie",
        "contact_function": "Adjudant, référent violences intrafamiliales et mineurs",
        "phone": "01 99 00 31 31",
        "email": "mpf@demo.invalid",
        "commune": "Bourg-Fictif",
        "hours": "Lundi au vendredi, 9 h – 17 h",
        "what_to_send": "Situations en zone gendarmerie : mineurs victimes, jeunes majeurs en danger.",
        "audience": "both",
    },
    {
        "category": "uaped",
        "name": "UAPED du centre hospitalier de Villefictive",
        "contact_function": "Pédiatre coordinatrice",
        "phone": "01 99 00 40 40",
        "email": "uaped@demo.invalid",
        "address": "Centre hospitalier, service de pédiatrie, 99000 Villefictive",
        "commune": "Villefictive",
        "hours": "Sur rendez-vous ; auditions filmées du lundi au vendredi",
        "what_to_send": "Mineur victime à auditionner ou à examiner : appeler avant de venir.",
        "audience": "minors",
    },
    {
        "category": "minor_shelter",
        "name": "Foyer départemental de l'enfance — unité d'accueil d'urgence",
        "contact_function": "Cheffe de service",
        "phone": "01 99 00 50 50",
        "email": "foyer-urgence@demo.invalid",
        "commune": "Villefictive",
        "hours": "24 h/24 (admission sur décision de l'ASE ou du parquet)",
        "what_to_send": "Mise à l'abri d'un mineur victime : passer par la CRIP ou le parquet.",
        "audience": "minors",
    },
    {
        "category": "siao",
        "name": "SIAO 99 — service intégré d'accueil et d'orientation",
        "contact_function": "Coordination de la veille sociale",
        "phone": "01 99 00 60 60",
        "email": "siao@demo.invalid",
        "commune": "Villefictive",
        "hours": "Bureau : lundi au vendredi ; le 115 répond 24 h/24",
        "what_to_send": "Demande d'hébergement d'un jeune majeur (fiche SIAO) ; "
        "mise à l'abri en urgence : le 115.",
        "audience": "adults",
    },
    {
        "category": "cegidd",
        "name": "CeGIDD de Villefictive",
        "contact_function": "Infirmière coordinatrice",
        "phone": "01 99 00 70 70",
        "email": "cegidd@demo.invalid",
        "website": "https://cegidd.demo.invalid",
        "address": "Centre de santé sexuelle, 5 rue Pasteur, 99000 Villefictive",
        "commune": "Villefictive",
        "hours": "Lundi, mercredi et vendredi, 10 h – 18 h, sans rendez-vous",
        "what_to_send": "Dépistage gratuit et anonyme, contraception d'urgence, suivi en santé sexuelle : "
        "accompagner la personne, mineure ou majeure.",
        "audience": "both",
    },
    {
        "category": "interpreter",
        "name": "Service d'interprétariat médical et social fictif",
        "contact_function": "Plateforme de réservation",
        "phone": "01 99 00 80 80",
        "email": "interpretes@demo.invalid",
        "hours": "Lundi au samedi, 8 h – 20 h ; par téléphone ou sur place",
        "what_to_send": "Réserver un interprète pour un entretien, une audition ou une consultation.",
        "audience": "both",
        "languages": "roumain, bulgare, anglais, espagnol, portugais (Brésil), chinois, edo, pidgin nigérian",
    },
    {
        "category": "mission_locale",
        "name": "Mission locale de Villefictive — référente prostitution",
        "contact_function": "Conseillère référente repérage",
        "phone": "01 99 00 90 90",
        "email": "ml-referente@demo.invalid",
        "commune": "Villefictive",
        "hours": "Lundi au vendredi, 9 h – 17 h",
        "what_to_send": "Jeune de 16 à 25 ans en risque : repérage, orientation avec son accord vers une "
        "association agréée.",
        "audience": "both",
    },
    {
        "category": "other",
        "name": "Bureau d'aide aux victimes du tribunal judiciaire",
        "contact_function": "Juriste",
        "phone": "01 99 00 95 95",
        "email": "bav@demo.invalid",
        "commune": "Villefictive",
        "hours": "Mardi et jeudi, 9 h – 12 h",
        "what_to_send": "Victime souhaitant porter plainte ou se constituer partie civile.",
        "audience": "both",
    },
)


def build(builder) -> None:
    """Create the demo directory of département 99, as the secretariat would, with its audit events."""
    for data in ENTRIES:
        services.create_entry(actor=builder.secretariat, data=data)
