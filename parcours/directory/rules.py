"""Rules of the directory: the national numbers every page shows, each with its source.

A number is listed here only when a public source says what it is for and when it answers; nothing else is
hard-coded in the directory (the département's services are entries the secretariat keeps).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NationalNumber:
    number: str
    name: str
    purpose: str
    hours: str
    audience: str  # "minors", "adults" or "both" (models.Audience values)
    source: str


NATIONAL_NUMBERS: tuple[NationalNumber, ...] = (
    NationalNumber(
        number="119",
        name="Allô enfance en danger (SNATED)",
        purpose="Un enfant ou un adolescent en danger ou en risque de l'être : écoute, conseil, et "
        "transmission des informations préoccupantes au département. Les appels des mineurs sont traités "
        "en priorité.",
        hours="24 h/24, 7 j/7, gratuit, n'apparaît sur aucun relevé",
        audience="minors",
        # Source: loi du 10 juillet 1989 (SNATED) ; allo119.gouv.fr.
        source="Loi n° 89-487 du 10 juillet 1989 ; allo119.gouv.fr",
    ),
    NationalNumber(
        number="17",
        name="Police secours / gendarmerie",
        purpose="Danger grave et immédiat, infraction en cours : police ou gendarmerie.",
        hours="24 h/24, 7 j/7, gratuit",
        audience="both",
        # Source: numéros d'urgence rappelés par allo119.gouv.fr (« le 17 », « le 112 », « le 114 »).
        source="Numéros d'urgence (service-public.fr ; allo119.gouv.fr)",
    ),
    NationalNumber(
        number="112",
        name="Numéro d'urgence européen",
        purpose="Toute urgence, depuis un portable, partout dans l'Union européenne.",
        hours="24 h/24, 7 j/7, gratuit",
        audience="both",
        # Source: idem (numéro d'urgence européen, cité par allo119.gouv.fr avec le 114).
        source="Numéros d'urgence (service-public.fr ; allo119.gouv.fr)",
    ),
    NationalNumber(
        number="114",
        name="Urgences par SMS, visio ou tchat",
        purpose="Personnes sourdes, malentendantes ou aphasiques, ou qui ne peuvent pas parler (appel "
        "discret) : SMS, application « Urgence 114 » ; le 114 alerte le SAMU, la police, la gendarmerie "
        "ou les pompiers.",
        hours="24 h/24, 7 j/7, gratuit (pas d'appel vocal classique)",
        audience="both",
        # Source: Centre national relais 114 (CHU Grenoble-Alpes), urgence114.fr ; loi n° 2005-102 du
        # 11 février 2005 (accessibilité des services d'urgence).
        source="Centre national relais 114 (urgence114.fr)",
    ),
    NationalNumber(
        number="115",
        name="Urgence sociale, hébergement d'urgence (SIAO)",
        purpose="Une personne sans abri ou en détresse sociale : mise à l'abri, orientation vers un "
        "hébergement d'urgence ; le 115 est tenu dans chaque département par le SIAO.",
        hours="24 h/24, 7 j/7, gratuit",
        audience="both",
        # Source: CASF art. L. 345-2 (veille sociale, SIAO) et L. 345-2-2 (accès à l'hébergement d'urgence).
        source="CASF, art. L. 345-2 et L. 345-2-2",
    ),
    NationalNumber(
        number="3919",
        name="Violences Femmes Info",
        purpose="Femmes victimes de violences (conjugales, sexuelles, prostitution…), leur entourage et les "
        "professionnels : écoute anonyme et orientation vers les dispositifs locaux.",
        hours="24 h/24, 7 j/7, gratuit et anonyme",
        audience="both",
        # Source: Fédération nationale Solidarité Femmes, solidaritefemmes.org « Appeler le 3919 ».
        source="Fédération nationale Solidarité Femmes (solidaritefemmes.org)",
    ),
    NationalNumber(
        number="116 006",
        name="France Victimes, aide aux victimes",
        purpose="Toute victime d'une infraction, ses proches et les témoins : écoute et orientation vers "
        "l'association d'aide aux victimes la plus proche.",
        hours="7 j/7 de 9 h à 19 h, gratuit ; messagerie en dehors de ces heures",
        audience="both",
        # Source: ministère de la Justice et fédération France Victimes, en service depuis le 4 décembre 2018
        # (savoie.gouv.fr, « Lancement du 116 006 »).
        source="Ministère de la Justice ; fédération France Victimes",
    ),
    NationalNumber(
        number="3018",
        name="Violences numériques (e-Enfance)",
        purpose="Jeunes victimes de harcèlement ou de violences en ligne (chantage, diffusion d'images), "
        "leurs parents et les professionnels : conseil, signalement prioritaire aux plateformes.",
        hours="gratuit, anonyme et confidentiel ; aussi par tchat et application",
        audience="minors",
        # Source: association e-Enfance, numéro lancé le 13 avril 2021 avec le secrétariat d'État chargé de
        # l'enfance et des familles (3018.fr).
        source="Association e-Enfance (3018.fr)",
    ),
)
