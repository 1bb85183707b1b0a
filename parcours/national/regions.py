"""The 101 départements and the 18 regions of France, for the national views (docs/national.md).

Source: INSEE, Code officiel géographique au 1er janvier 2025 (« Liste des départements » and « Liste des
régions », https://www.insee.fr/fr/information/8377162): codes, names and the region each département
belongs to. The Métropole de Lyon is counted with the Rhône (69), as the COG does for departmental
statistics. No département or region has changed since 2016 (loi n° 2015-29 du 16 janvier 2015, in force
on 1 January 2016), the first year a Parcours figure can describe (parcours.stats.rules.FIRST_YEAR).
"""

from __future__ import annotations

from dataclasses import dataclass

# code -> name
DEPARTEMENTS: dict[str, str] = {
    "01": "Ain",
    "02": "Aisne",
    "03": "Allier",
    "04": "Alpes-de-Haute-Provence",
    "05": "Hautes-Alpes",
    "06": "Alpes-Maritimes",
    "07": "Ardèche",
    "08": "Ardennes",
    "09": "Ariège",
    "10": "Aube",
    "11": "Aude",
    "12": "Aveyron",
    "13": "Bouches-du-Rhône",
    "14": "Calvados",
    "15": "Cantal",
    "16": "Charente",
    "17": "Charente-Maritime",
    "18": "Cher",
    "19": "Corrèze",
    "21": "Côte-d'Or",
    "22": "Côtes-d'Armor",
    "23": "Creuse",
    "24": "Dordogne",
    "25": "Doubs",
    "26": "Drôme",
    "27": "Eure",
    "28": "Eure-et-Loir",
    "29": "Finistère",
    "2A": "Corse-du-Sud",
    "2B": "Haute-Corse",
    "30": "Gard",
    "31": "Haute-Garonne",
    "32": "Gers",
    "33": "Gironde",
    "34": "Hérault",
    "35": "Ille-et-Vilaine",
    "36": "Indre",
    "37": "Indre-et-Loire",
    "38": "Isère",
    "39": "Jura",
    "40": "Landes",
    "41": "Loir-et-Cher",
    "42": "Loire",
    "43": "Haute-Loire",
    "44": "Loire-Atlantique",
    "45": "Loiret",
    "46": "Lot",
    "47": "Lot-et-Garonne",
    "48": "Lozère",
    "49": "Maine-et-Loire",
    "50": "Manche",
    "51": "Marne",
    "52": "Haute-Marne",
    "53": "Mayenne",
    "54": "Meurthe-et-Moselle",
    "55": "Meuse",
    "56": "Morbihan",
    "57": "Moselle",
    "58": "Nièvre",
    "59": "Nord",
    "60": "Oise",
    "61": "Orne",
    "62": "Pas-de-Calais",
    "63": "Puy-de-Dôme",
    "64": "Pyrénées-Atlantiques",
    "65": "Hautes-Pyrénées",
    "66": "Pyrénées-Orientales",
    "67": "Bas-Rhin",
    "68": "Haut-Rhin",
    "69": "Rhône",
    "70": "Haute-Saône",
    "71": "Saône-et-Loire",
    "72": "Sarthe",
    "73": "Savoie",
    "74": "Haute-Savoie",
    "75": "Paris",
    "76": "Seine-Maritime",
    "77": "Seine-et-Marne",
    "78": "Yvelines",
    "79": "Deux-Sèvres",
    "80": "Somme",
    "81": "Tarn",
    "82": "Tarn-et-Garonne",
    "83": "Var",
    "84": "Vaucluse",
    "85": "Vendée",
    "86": "Vienne",
    "87": "Haute-Vienne",
    "88": "Vosges",
    "89": "Yonne",
    "90": "Territoire de Belfort",
    "91": "Essonne",
    "92": "Hauts-de-Seine",
    "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne",
    "95": "Val-d'Oise",
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "Guyane",
    "974": "La Réunion",
    "976": "Mayotte",
}


@dataclass(frozen=True)
class Region:
    code: str  # INSEE region code
    name: str
    departements: tuple[str, ...]


REGIONS: tuple[Region, ...] = (
    Region(
        "84", "Auvergne-Rhône-Alpes", ("01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74")
    ),
    Region("27", "Bourgogne-Franche-Comté", ("21", "25", "39", "58", "70", "71", "89", "90")),
    Region("53", "Bretagne", ("22", "29", "35", "56")),
    Region("24", "Centre-Val de Loire", ("18", "28", "36", "37", "41", "45")),
    Region("94", "Corse", ("2A", "2B")),
    Region("44", "Grand Est", ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88")),
    Region("32", "Hauts-de-France", ("02", "59", "60", "62", "80")),
    Region("11", "Île-de-France", ("75", "77", "78", "91", "92", "93", "94", "95")),
    Region("28", "Normandie", ("14", "27", "50", "61", "76")),
    Region(
        "75",
        "Nouvelle-Aquitaine",
        ("16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"),
    ),
    Region(
        "76",
        "Occitanie",
        ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"),
    ),
    Region("52", "Pays de la Loire", ("44", "49", "53", "72", "85")),
    Region("93", "Provence-Alpes-Côte d'Azur", ("04", "05", "06", "13", "83", "84")),
    Region("01", "Guadeloupe", ("971",)),
    Region("02", "Martinique", ("972",)),
    Region("03", "Guyane", ("973",)),
    Region("04", "La Réunion", ("974",)),
    Region("06", "Mayotte", ("976",)),
)

REGION_OF: dict[str, Region] = {code: region for region in REGIONS for code in region.departements}


def is_departement(code: str) -> bool:
    return code in DEPARTEMENTS


def sort_key(code: str) -> tuple[int, str]:
    """Codes in the COG's order: 01…19, 2A, 2B, 21…95, then overseas."""
    if code in ("2A", "2B"):
        return (20, code)
    return (int(code) if code.isdigit() else 999, code)
