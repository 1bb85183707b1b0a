"""Simulation of the diagnostic's linkage and estimate on synthetic populations (no Django import).

Proves, with the project's own code, that the estimate can be trusted when lists carry real spelling:

1. :func:`make_population` draws synthetic people (never a real person: given names and surnames of several
   origins are combined at random) with a birth date, a sex and, for some, a working name (alias);
2. :func:`capture` decides which of the lists know each person, with homogeneous probabilities or with
   heterogeneous ones (latent catchability, a list with a different public, sex-dependent visibility);
3. :func:`write_records` writes each person's row on each list that knows them through the documented error
   model (:data:`MIXES`: typos, transliteration variants, name-order swap, alias, date and sex errors);
4. the rows are keyed and linked by the diagnostic's linkage (``parcours.diagnostic.linkage``: the keys a
   browser computes and the server's ``link``) or, for comparison, by the single key of the first scheme
   (:func:`single_key_string`, kept here as a baseline only);
5. the capture histories go through the estimate the report uses
   (``analyse(table_from_memberships(...), bootstrap=0, reference_models=False)``, normal interval);
6. :func:`run` returns the estimate, its interval, the linkage's pair recall and false-merge rate, and the
   pair recall per error type and per origin, so that a leak can be traced to its cause.

The error model and its rates are documented in ``docs/diagnostic.md`` (« Simulation : erreurs de saisie et
biais »); ``tests/diagnostic/test_simulation.py`` asserts the bias bar and
``bench/bench_linkage_simulation.py`` gives the figures.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from math import comb

import numpy as np

from parcours.estimation import EstimationError

from . import linkage

REFERENCE_DATE = date(2026, 11, 30)
CAMPAIGN_CODE = "DIAG-99-SIMULATION"
PHRASE = "abeille jardin riviere soleil village citron horizon"  # 7 words of the list (phrase.py)
N_LISTS = 5

# --- Names of several origins ----------------------------------------------------------------------
# Each name is a tuple of spellings of the same name: the first is the usual Latin spelling, the others are
# transliteration or spelling variants; for origins written in another script (Chinese, Russian/Ukrainian)
# the last spelling is in that script. Common names only, combined at random: a synthetic person is never a
# real one.


def _names(text: str) -> tuple[tuple[str, ...], ...]:
    """« Lefebvre/Lefèvre; Martin » -> (("Lefebvre", "Lefèvre"), ("Martin",)): names separated by « ; », the
    spellings of one name by « / »."""
    return tuple(tuple(form.strip() for form in name.split("/")) for name in text.split(";") if name.strip())


@dataclass(frozen=True)
class Origin:
    code: str
    label: str  # French, for the tables
    weight: float  # share of the synthetic population
    surnames: tuple[tuple[str, ...], ...]
    female: tuple[tuple[str, ...], ...]
    male: tuple[tuple[str, ...], ...]
    native_script: bool = False  # the last spelling of every name is in another script


ORIGINS: tuple[Origin, ...] = (
    Origin(
        "fr",
        "française",
        0.30,
        surnames=_names(
            "Martin; Bernard; Dubois; Thomas; Robert; Richard; Petit; Durand; Leroy; Moreau; Simon; "
            "Laurent; Lefebvre/Lefèvre; Michel; David; Bertrand; Roux; Vincent; Fournier; Morel; "
            "Girard; André; Mercier; Dupont; Lambert; Bonnet; François; Le Gall; Gauthier/Gautier; "
            "Chevalier; Perrin; Faure"
        ),
        female=_names(
            "Marie; Camille; Léa; Manon; Chloé; Emma; Sarah/Sara; Julie; Laura; Océane; Marine; "
            "Jessica; Anaïs; Mélanie; Émilie; Pauline; Aurélie; Élodie; Justine; Clara"
        ),
        male=_names(
            "Jean; Pierre; Nicolas; Julien; Kévin; Lucas; Hugo; Théo; Maxime; Alexandre; Thomas; "
            "Antoine; Romain; Quentin"
        ),
    ),
    Origin(
        "maghreb",
        "maghrébine",
        0.15,
        surnames=_names(
            "Benali/Ben Ali; Haddad; Mansouri/Mansuri; Belkacem/Belkassem; Boudiaf; Bouzid; "
            "Cherif/Chérif/Sharif; Brahimi; Amrani; El Idrissi/Idrissi; Hamdi; Saïdi/Saidi; "
            "Khelifi/Khalifi; Benamar/Ben Amar; Ouali; Boukhari/Bukhari; Meziane; Zerrouki; "
            "Benmoussa/Ben Moussa; Chaouch; Kaddour/Kadour; Slimani"
        ),
        female=_names(
            "Fatima/Fatma; Khadija/Khadidja; Aïcha/Aicha/Aisha; Nadia; Samira; Leïla/Leila/Layla; "
            "Meriem/Maryam/Myriam; Amina; Yasmina; Soraya; Naïma/Naima; Rachida/Rashida; Hafsa; "
            "Imane/Iman; Zineb/Zaynab; Salma"
        ),
        male=_names(
            "Mohamed/Mohammed/Muhammad/Mohammad; Ahmed/Ahmad; Youssef/Yousef/Youcef/Yusuf; "
            "Abdelkader/Abdel Kader; Karim/Kareem; Rachid/Rashid; Mustapha/Mustafa/Moustapha; "
            "Omar/Umar; Bilal; Hamza; Sofiane/Sofian/Sufyan; Nabil"
        ),
    ),
    Origin(
        "ro",
        "roumaine",
        0.10,
        surnames=_names(
            "Popescu; Ionescu; Popa; Radu; Dumitru; Stan; Stoica; Gheorghe; Matei; Ciobanu; "
            "Constantin; Rusu; Munteanu; Lungu; Moldovan; Mihăilă/Mihaila; Țurcanu/Turcanu/Tzurcanu; "
            "Dumitrașcu; Ștefănescu/Stefanescu; Zamfir; Dinu; Marin"
        ),
        female=_names(
            "Maria; Elena; Ioana; Ana; Mihaela; Andreea/Andreia; Florentina; Nicoleta; Cristina; "
            "Daniela; Roxana; Alina; Gabriela; Larisa/Larissa; Denisa"
        ),
        male=_names(
            "Ion; Gheorghe/Gheorghi; Vasile; Constantin; Mihai; Andrei; Florin; Ionuț/Ionut; "
            "Alexandru; Marius; Cătălin/Catalin; Adrian"
        ),
    ),
    Origin(
        "afo",
        "ouest-africaine ou nigériane",
        0.17,
        surnames=_names(
            "Diallo/Jallow; Traoré/Traore; Koné/Kone; Coulibaly/Kulibali; Diarra; Camara/Kamara; "
            "Touré/Toure; Sylla/Silla; Keïta/Keita; Bah/Ba; Sow; Ndiaye/N'Diaye; Diop; Fofana; "
            "Cissé/Sissé; Okafor; Adeyemi; Okonkwo; Eze; Olawale; Adebayo; Nwosu; Ogunleye; Balogun; "
            "Obi; Osagie; Igbinedion; Omoregie"
        ),
        female=_names(
            "Aminata; Fatoumata/Fatumata/Fatmata; Mariama/Mariam; Awa; Kadiatou/Kadiatu; Adaeze; "
            "Chiamaka; Blessing; Precious; Joy; Ngozi; Oluwakemi; Osas; Esther; Faith; Gift; Princess; "
            "Mercy; Favour/Favor; Happiness"
        ),
        male=_names(
            "Mamadou/Mamadu; Moussa/Musa; Ibrahima/Ibrahim; Oumar/Umar; Abdoulaye/Abdullahi; "
            "Sékou/Sekou; Chinedu; Emeka; Tunde; Osaro; Samuel; Daniel"
        ),
    ),
    Origin(
        "cn",
        "chinoise",
        0.08,
        surnames=_names(
            "Zhang/Chang/张; Wang/Wong/王; Li/Lee/李; Liu/Lau/刘; Chen/Chan/陈; Yang/Yeung/杨; "
            "Huang/Hwang/黄; Zhao/Chao/赵; Wu/Woo/吴; Zhou/Chou/周; Xu/Hsu/徐; Sun/Suen/孙; Ma/Mah/马; "
            "Zhu/Chu/朱; Guo/Kuo/郭; Lin/Lam/林; Gao/Kao/高; Luo/Lo/罗; Zheng/Cheng/郑; Liang/Leung/梁"
        ),
        female=_names(
            "Fang/Fong/芳; Na/Nah/娜; Xiuying/Hsiu-ying/秀英; Min/Ming/敏; Jing/Ching/静; Yan/Yen/艳; "
            "Juan/Chuan/娟; Xiulan/Hsiu-lan/秀兰; Xia/Hsia/霞; Guiying/Kuei-ying/桂英; Hong/Hung/红; "
            "Mei/May/梅; Lihua/Li-hua/丽华; Xiaoyan/Hsiao-yen/晓燕"
        ),
        male=_names(
            "Wei/Wai/伟; Qiang/Chiang/强; Lei/Lui/磊; Jun/Chun/军; Yong/Yung/勇; Jie/Chieh/杰; Tao/T'ao/涛; "
            "Ming/Meng/明; Gang/Kang/刚; Hao/Ho/浩"
        ),
        native_script=True,
    ),
    Origin(
        "ru",
        "russe ou ukrainienne",
        0.07,
        surnames=_names(
            "Ivanov/Ivanoff/Иванов; Smirnov/Smirnoff/Смирнов; Kuznetsov/Kouznetsov/Кузнецов; "
            "Popov/Popoff/Попов; Vasilyev/Vassiliev/Васильев; Petrov/Petroff/Петров; "
            "Sokolov/Sokoloff/Соколов; Shevchenko/Chevtchenko/Шевченко; Kovalenko/Kowalenko/Коваленко; "
            "Bondarenko/Bondarenco/Бондаренко; Tkachenko/Tkatchenko/Ткаченко; Melnyk/Melnik/Мельник; "
            "Kravchenko/Kravtchenko/Кравченко; Morozov/Morozoff/Морозов; Volkov/Volkoff/Волков; "
            "Lebedev/Lebedeff/Лебедев"
        ),
        female=_names(
            "Olga/Olha/Ольга; Natalya/Natalia/Наталья; Ekaterina/Yekaterina/Екатерина; "
            "Tatyana/Tatiana/Татьяна; Yulia/Ioulia/Юлия; Anna/Ana/Анна; Mariya/Maria/Мария; "
            "Oksana/Oxana/Оксана; Svetlana/Svitlana/Светлана; Irina/Iryna/Ирина; Yelena/Elena/Елена; "
            "Anastasiya/Anastasia/Анастасия"
        ),
        male=_names(
            "Sergei/Sergey/Serguei/Сергей; Aleksandr/Alexandre/Александр; Dmitri/Dmitry/Дмитрий; "
            "Andrei/Andrey/Андрей; Aleksei/Alexei/Алексей; Oleksandr/Olexandr/Олександр; "
            "Yuriy/Iouri/Юрий; Mikhail/Mykhailo/Михаил"
        ),
        native_script=True,
    ),
    Origin(
        "es",
        "espagnole ou latino-américaine",
        0.06,
        surnames=_names(
            "García/Garcia; Rodríguez/Rodrigues; González/Gonzales; Fernández; López/Lopes; "
            "Martínez/Martinez; Sánchez/Sanches; Pérez/Peres; Gómez/Gomes; Hernández/Hernandes; "
            "Díaz/Dias; Ramírez; Torres; Flores; Vargas; Castillo; Morales; Ortiz"
        ),
        female=_names(
            "María/Maria; Ana; Carmen; Lucía/Lucia; Guadalupe; Daniela; Valentina; Sofía/Sophia; "
            "Camila; Paola; Ximena/Jimena; Yesenia"
        ),
        male=_names("José/Jose; Juan; Carlos; Luis; Jorge; Miguel; Alejandro; Diego"),
    ),
    Origin(
        "br",
        "brésilienne",
        0.07,
        surnames=_names(
            "da Silva/Silva; dos Santos/Santos; Oliveira; Souza/Sousa; Rodrigues; Ferreira; Alves; "
            "Pereira; Lima; Gomes; Costa; Ribeiro; Martins; Carvalho; Araújo/Araujo; Barbosa"
        ),
        female=_names(
            "Ana; Juliana; Fernanda; Larissa; Bruna; Letícia/Leticia; Thaís/Tais; Vitória/Victoria; "
            "Jéssica/Jessica; Camila; Amanda; Thalita/Talita"
        ),
        male=_names("João/Joao; Gabriel; Lucas; Matheus/Mateus; Rafael; Thiago/Tiago; Bruno; Felipe/Filipe"),
    ),
)
ORIGIN_BY_CODE = {origin.code: origin for origin in ORIGINS}

# Working names (aliases) used in the milieu, besides a first name of the person's own origin.
WORKING_NAMES_FEMALE = _names("Lily; Jessica; Kelly; Vanessa; Nina; Cindy; Linda")
WORKING_NAMES_MALE = _names("Tony; Kevin; Steve; Max; Eddy")

# Age bands of the synthetic public (share, first and last age), as in bench/bench_diagnostic.py.
AGE_MIX = ((0.04, 14, 17), (0.30, 18, 24), (0.40, 25, 34), (0.26, 35, 60))
SEX_MIX = (("F", 0.85), ("M", 0.10), ("X", 0.05))  # X: other (its rows carry no known sex)
ALIAS_SHARE = 0.30  # people who have a working name at all (used on a row at the mix's alias rate)


@dataclass(frozen=True)
class Person:
    index: int
    origin: str
    last: tuple[str, ...]  # the spellings of the surname
    first: tuple[str, ...]  # the spellings of the first name
    alias: tuple[str, ...] | None  # the working name's spellings, if any
    born: date
    sex: str  # F, M or X


def _pick(rng: np.random.Generator, items: Sequence):
    return items[int(rng.integers(len(items)))]


def make_population(n: int, rng: np.random.Generator) -> list[Person]:
    """`n` synthetic people: origin, names, working name, birth date, sex."""
    origins = list(ORIGINS)
    weights = np.array([o.weight for o in origins])
    sexes, sex_weights = zip(*SEX_MIX, strict=True)
    people = []
    for index in range(n):
        origin = origins[int(rng.choice(len(origins), p=weights / weights.sum()))]
        sex = str(rng.choice(sexes, p=np.array(sex_weights)))
        female = sex == "F" or (sex == "X" and rng.random() < 0.5)
        firsts = origin.female if female else origin.male
        alias = None
        if rng.random() < ALIAS_SHARE:
            pool = firsts if rng.random() < 0.5 else (WORKING_NAMES_FEMALE if female else WORKING_NAMES_MALE)
            alias = _pick(rng, pool)
        band = int(rng.choice(len(AGE_MIX), p=np.array([b[0] for b in AGE_MIX])))
        _, low, high = AGE_MIX[band]
        age = int(rng.integers(low, high + 1))
        days_before = int(rng.integers(0, 365))
        born = date.fromordinal(REFERENCE_DATE.toordinal() - 365 * age - age // 4 - days_before)
        people.append(
            Person(index, origin.code, _pick(rng, origin.surnames), _pick(rng, firsts), alias, born, sex)
        )
    return people


# --- Capture by the lists --------------------------------------------------------------------------

BASE_CAPTURE = (0.25, 0.20, 0.30, 0.15, 0.20)  # homogeneous: each list's probability of knowing a person
# Heterogeneous capture, on the logit scale (documented in docs/diagnostic.md):
CATCHABILITY_SD = 1.0  # latent catchability shared by every list (normal, standard deviation)
YOUTH_LIST = 3  # the 4th list has a different public: young people (a service for the under 25s)
YOUTH_EFFECT = (1.5, -1.2)  # added for people under 25, for the others
MEN_EFFECT = -0.8  # men (and people of other sex) are less visible to the first two lists


def _logit(p):
    return np.log(p / (1 - p))


def capture(people: Sequence[Person], rng: np.random.Generator, heterogeneous: bool = False) -> np.ndarray:
    """Boolean matrix people × lists: who each list knows."""
    n = len(people)
    logits = np.tile(_logit(np.array(BASE_CAPTURE)), (n, 1))
    if heterogeneous:
        logits += rng.normal(0.0, CATCHABILITY_SD, size=(n, 1))
        young = np.array([linkage.age_on(p.born, REFERENCE_DATE) < 25 for p in people])
        logits[:, YOUTH_LIST] += np.where(young, YOUTH_EFFECT[0], YOUTH_EFFECT[1])
        not_women = np.array([p.sex != "F" for p in people])
        logits[:, :2] += np.where(not_women, MEN_EFFECT, 0.0)[:, None]
    return rng.random((n, N_LISTS)) < 1 / (1 + np.exp(-logits))


# --- Error model -----------------------------------------------------------------------------------

NAME_ERRORS = ("faute_nom", "faute_prenom", "translitteration", "inversion_noms", "alias")
DATE_ERRORS = ("jour_errone", "jour_mois_inverses", "annee_erronee", "annee_seule", "date_absente")
SEX_ERRORS = ("sexe_inconnu",)
ERROR_TYPES = NAME_ERRORS + DATE_ERRORS + SEX_ERRORS
ERROR_LABELS = {
    "faute_nom": "faute de frappe dans le nom",
    "faute_prenom": "faute de frappe dans le prénom",
    "translitteration": "autre translittération ou écriture",
    "inversion_noms": "nom et prénom inversés",
    "alias": "prénom d'usage (alias)",
    "jour_errone": "jour de naissance erroné",
    "jour_mois_inverses": "jour et mois inversés",
    "annee_erronee": "année de naissance erronée",
    "annee_seule": "année de naissance seule",
    "date_absente": "date de naissance absente",
    "sexe_inconnu": "sexe inconnu",
}


@dataclass(frozen=True)
class ErrorMix:
    """Probability, for one row written on one list, of each error (independent, except the date errors,
    which exclude each other). A transliteration, typo or alias that cannot apply (a name with a single
    spelling, a person without a working name, a day above 12 for the swap) leaves the row unchanged."""

    label: str
    rates: dict[str, float]

    def rate(self, error: str) -> float:
        return self.rates.get(error, 0.0)


MIXES: dict[str, ErrorMix] = {
    "aucune": ErrorMix("aucune erreur", {}),
    "faible": ErrorMix(
        "faible",
        {
            "faute_nom": 0.02,
            "faute_prenom": 0.02,
            "translitteration": 0.04,
            "inversion_noms": 0.01,
            "alias": 0.02,
            "jour_errone": 0.01,
            "jour_mois_inverses": 0.01,
            "annee_seule": 0.01,
            "date_absente": 0.01,
            "sexe_inconnu": 0.01,
        },
    ),
    "moyenne": ErrorMix(
        "moyenne (réaliste)",
        {
            "faute_nom": 0.05,
            "faute_prenom": 0.05,
            "translitteration": 0.12,
            "inversion_noms": 0.02,
            "alias": 0.06,
            "jour_errone": 0.02,
            "jour_mois_inverses": 0.02,
            "annee_erronee": 0.005,
            "annee_seule": 0.03,
            "date_absente": 0.03,
            "sexe_inconnu": 0.03,
        },
    ),
    "forte": ErrorMix(
        "forte",
        {
            "faute_nom": 0.08,
            "faute_prenom": 0.08,
            "translitteration": 0.20,
            "inversion_noms": 0.035,
            "alias": 0.10,
            "jour_errone": 0.03,
            "jour_mois_inverses": 0.03,
            "annee_erronee": 0.01,
            "annee_seule": 0.05,
            "date_absente": 0.05,
            "sexe_inconnu": 0.05,
        },
    ),
    # The first review's simple mix: a typo in each name 5% of the time, a wrong birth day 2%.
    "fautes5_dates2": ErrorMix(
        "fautes 5 % + dates 2 %", {"faute_nom": 0.05, "faute_prenom": 0.05, "jour_errone": 0.02}
    ),
}
NATIVE_SCRIPT_SHARE = 0.5  # a transliteration event on a Chinese or Cyrillic name writes it in its script


@dataclass(frozen=True)
class Row:
    """One row of one list, as a structure would type it."""

    list_index: int
    person: int
    origin: str
    last: str
    first: str
    day: int | None
    month: int | None
    year: int | None
    sex: str  # "F", "M" or "" (unknown)
    errors: frozenset[str] = frozenset()

    @property
    def full_date(self) -> date | None:
        if self.day is None or self.month is None or self.year is None:
            return None
        return date(self.year, self.month, self.day)


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def is_latin(name: str) -> bool:
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in name)


def typo(name: str, rng: np.random.Generator) -> str:
    """One keyboard error: substitution, deletion, insertion or transposition of adjacent letters."""
    if len(name) < 2:
        return name
    kind = int(rng.integers(4))
    i = int(rng.integers(len(name)))
    letter = _pick(rng, _LETTERS)
    if i == 0:
        letter = letter.upper()
    if kind == 0:
        return (
            name[:i] + letter + name[i + 1 :]
            if name[i].lower() != letter.lower()
            else name[:i] + "x" + name[i + 1 :]
        )
    if kind == 1 and len(name) > 2:
        return name[:i] + name[i + 1 :]
    if kind == 2:
        return name[:i] + letter + name[i:]
    j = min(i, len(name) - 2)
    if name[j] == name[j + 1]:
        return name[:j] + name[j + 1 :]  # a doubled letter typed once
    return name[:j] + name[j + 1] + name[j] + name[j + 2 :]


def write_row(person: Person, list_index: int, mix: ErrorMix, rng: np.random.Generator) -> Row:
    """The row a list holds for a person, through the error model."""
    origin = ORIGIN_BY_CODE[person.origin]
    errors = set()
    last_forms, first_forms = person.last, person.first
    if person.alias and rng.random() < mix.rate("alias"):
        first_forms = person.alias
        errors.add("alias")
    last, first = last_forms[0], first_forms[0]
    if rng.random() < mix.rate("translitteration"):
        native = origin.native_script and len(last_forms) > 1 and rng.random() < NATIVE_SCRIPT_SHARE
        if native:
            last = last_forms[-1]
            if not is_latin(first_forms[-1]):
                first = first_forms[-1]
        else:
            which = rng.random()
            for forms, field_ in ((last_forms, "last"), (first_forms, "first")):
                latin = [f for f in forms[1:] if is_latin(f)]
                wanted = which < 0.55 if field_ == "last" else which >= 0.45
                if latin and wanted:
                    if field_ == "last":
                        last = _pick(rng, latin)
                    else:
                        first = _pick(rng, latin)
        if (last, first) != (last_forms[0], first_forms[0]):
            errors.add("translitteration")
    for error, attr in (("faute_nom", "last"), ("faute_prenom", "first")):
        if rng.random() < mix.rate(error):
            value = last if attr == "last" else first
            if is_latin(value):
                changed = typo(value, rng)
                if changed != value:
                    errors.add(error)
                    if attr == "last":
                        last = changed
                    else:
                        first = changed
    if rng.random() < mix.rate("inversion_noms"):
        last, first = first, last
        errors.add("inversion_noms")
    born = person.born
    day, month, year = born.day, born.month, born.year
    u = rng.random()
    edge = 0.0
    for error in DATE_ERRORS:
        edge += mix.rate(error)
        if u < edge:
            if error == "jour_errone":
                day = _pick(rng, [d for d in range(1, 29) if d != born.day])
            elif error == "jour_mois_inverses":
                if born.day > 12 or born.day == born.month:
                    break
                day, month = born.month, born.day
            elif error == "annee_erronee":
                # ± 1 or ± 10 years; ± 4 or ± 8 for a 29 February, so that the written date exists.
                leap_day = (born.month, born.day) == (2, 29)
                year = born.year + _pick(rng, (-8, -4, 4, 8) if leap_day else (-10, -1, 1, 10))
            elif error == "annee_seule":
                day = month = None
            else:
                day = month = year = None
            errors.add(error)
            break
    sex = {"F": "F", "M": "M", "X": ""}[person.sex]
    if rng.random() < mix.rate("sexe_inconnu") and sex:
        sex = ""
        errors.add("sexe_inconnu")
    return Row(list_index, person.index, person.origin, last, first, day, month, year, sex, frozenset(errors))


def write_records(
    people: Sequence[Person], captured: np.ndarray, mix: ErrorMix, rng: np.random.Generator
) -> list[Row]:
    rows = []
    for list_index in range(captured.shape[1]):
        for person in people:
            if captured[person.index, list_index]:
                rows.append(write_row(person, list_index, mix, rng))
    return rows


# --- Linking: the diagnostic's linkage, and the first scheme's single key as a baseline --------------


def _lk1_normalise(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value or "")
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
    letters = letters.replace("Œ", "OE").replace("Æ", "AE").replace("ß", "SS")
    return "".join(c for c in letters if "A" <= c <= "Z")


def _lk1_letters(name: str, positions: tuple[int, ...], missing: str) -> str:
    if not name:
        return missing
    return "".join(name[p - 1] if len(name) >= p else "2" for p in positions)


def single_key_string(row: Row) -> str | None:
    """The first scheme's linkage string (letters 2, 3, 5 of the surname, 2, 3 of the first name, DDMMYYYY,
    sex; a row without a full birth date has no key). A baseline for comparison, not used by the app."""
    born = row.full_date
    if born is None:
        return None
    last = _lk1_letters(_lk1_normalise(row.last), (2, 3, 5), "999")
    first = _lk1_letters(_lk1_normalise(row.first), (2, 3), "99")
    sex = {"F": "2", "M": "1"}.get(row.sex, "9")
    return f"{last}{first}{born:%d%m%Y}{sex}"


@dataclass
class Linked:
    """Result of a linkage: the cluster of each row (None: set aside) and the clusters' capture histories."""

    cluster_of: list[int | None]
    memberships: list[tuple[bool, ...]]
    set_aside: int


def link_single_key(rows: Sequence[Row], n_lists: int = N_LISTS) -> Linked:
    clusters: dict[str, int] = {}
    cluster_of: list[int | None] = []
    for row in rows:
        key = single_key_string(row)
        if key is None:
            cluster_of.append(None)
            continue
        cluster_of.append(clusters.setdefault(key, len(clusters)))
    return Linked(cluster_of, _memberships(rows, cluster_of, n_lists), sum(c is None for c in cluster_of))


def _memberships(
    rows: Sequence[Row], cluster_of: Sequence[int | None], n_lists: int
) -> list[tuple[bool, ...]]:
    seen: dict[int, list[bool]] = {}
    for row, cluster in zip(rows, cluster_of, strict=True):
        if cluster is not None:
            seen.setdefault(cluster, [False] * n_lists)[row.list_index] = True
    return [tuple(m) for m in seen.values()]


@cache
def campaign_key() -> bytes:
    """The campaign key of the simulation's fictitious phrase (PBKDF2 is slow: derived once per process)."""
    return linkage.derive_key(PHRASE, CAMPAIGN_CODE)


def row_birth(row: Row) -> date | int | None:
    """The birth date as a browser reads it: a date, a year alone, or nothing."""
    if row.year is None:
        return None
    return row.full_date or row.year


def link_lk2(rows: Sequence[Row], n_lists: int = N_LISTS) -> Linked:
    """The diagnostic's linkage: each row's keys as the browser computes them (``linkage.person_keys``),
    linked as the server links them (``linkage.link``). A set-aside row (no date, ...) joins no cluster."""
    key = campaign_key()
    records, positions = [], []
    for position, row in enumerate(rows):
        birth = row_birth(row)
        try:
            keys = linkage.person_keys(key, row.last, row.first, birth, reference=REFERENCE_DATE)
        except linkage.SetAside:
            continue
        records.append(
            linkage.Record(
                row.list_index,
                frozenset(keys),
                linkage.sex_code(row.sex),
                linkage.age_band(birth, REFERENCE_DATE),
                False,
                isinstance(birth, date),
            )
        )
        positions.append(position)
    result = linkage.link(records, n_lists)
    cluster_of: list[int | None] = [None] * len(rows)
    for number, cluster in enumerate(result.clusters):
        for index in cluster.records:
            cluster_of[positions[index]] = number
    return Linked(cluster_of, result.memberships, len(rows) - len(records))


Linker = Callable[[Sequence[Row], int], Linked]
METHODS: dict[str, Linker] = {"lk2": link_lk2, "cle_unique": link_single_key}
METHOD_LABELS = {"lk2": "LK2 (clés multiples)", "cle_unique": "clé unique (LK1)"}


# --- Scoring ---------------------------------------------------------------------------------------


@dataclass
class PairCounts:
    linked: int = 0
    total: int = 0

    @property
    def recall(self) -> float | None:
        return self.linked / self.total if self.total else None


@dataclass
class RunResult:
    method: str
    mix: str
    heterogeneous: bool
    seed: int
    n_true: int
    n_captured: int  # people on at least one list (truth)
    n_linked: int  # distinct people after linkage
    set_aside: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    error: str | None
    pair_recall: float
    false_merge_rate: float  # share of the linked pairs of rows that join two different people
    by_error: dict[str, PairCounts] = field(default_factory=dict)
    by_origin: dict[str, PairCounts] = field(default_factory=dict)

    @property
    def relative_error(self) -> float | None:
        return None if self.estimate is None else self.estimate / self.n_true - 1

    @property
    def covered(self) -> bool | None:
        return None if self.estimate is None else self.ci_low <= self.n_true <= self.ci_high


def score_linkage(rows: Sequence[Row], linked: Linked):
    """(pair recall, false-merge rate, recall per error category, recall per origin) over pairs of rows of
    the same person on two lists; a pair with a set-aside row counts as not linked."""
    by_person: dict[int, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_person[row.person].append(i)
    by_error: dict[str, PairCounts] = defaultdict(PairCounts)
    by_origin: dict[str, PairCounts] = defaultdict(PairCounts)
    true_pairs = true_linked = 0
    for indices in by_person.values():
        for a in range(len(indices)):
            for b in range(a + 1, len(indices)):
                ra, rb = rows[indices[a]], rows[indices[b]]
                ca, cb = linked.cluster_of[indices[a]], linked.cluster_of[indices[b]]
                ok = ca is not None and ca == cb
                errors = ra.errors | rb.errors
                category = (
                    "aucune" if not errors else (next(iter(errors)) if len(errors) == 1 else "plusieurs")
                )
                for counts in (by_error[category], by_origin[ra.origin]):
                    counts.total += 1
                    counts.linked += ok
                true_pairs += 1
                true_linked += ok
    sizes = Counter(c for c in linked.cluster_of if c is not None)
    predicted_pairs = sum(comb(s, 2) for s in sizes.values())
    false_pairs = predicted_pairs - true_linked
    return (
        true_linked / true_pairs if true_pairs else 1.0,
        false_pairs / predicted_pairs if predicted_pairs else 0.0,
        dict(by_error),
        dict(by_origin),
    )


def estimate(memberships: Sequence[tuple[bool, ...]], n_lists: int = N_LISTS):
    """The estimate as the report computes it (``linkage.estimate_memberships``, the call the server and
    ``parcours-link-estimate`` share): stepwise model, normal interval."""
    codes = [f"L{i}" for i in range(1, n_lists + 1)]
    result = linkage.estimate_memberships(codes, memberships)
    return result.estimate, result.ci_low, result.ci_high


def run(
    method: str,
    linker: Linker,
    mix: str,
    *,
    n: int,
    seed: int,
    heterogeneous: bool = False,
    n_lists: int = N_LISTS,
) -> RunResult:
    """One replicate: population, capture, rows, linkage, estimate, scores. The same `seed` gives the same
    population and rows to every method, so that methods are compared on the same data."""
    rng = np.random.default_rng(seed)
    people = make_population(n, rng)
    captured = capture(people, rng, heterogeneous)
    rows = write_records(people, captured, MIXES[mix], rng)
    linked = linker(rows, n_lists)
    recall, false_merges, by_error, by_origin = score_linkage(rows, linked)
    try:
        value, low, high = estimate(linked.memberships, n_lists)
        error = None
    except EstimationError as exc:
        value = low = high = None
        error = exc.message
    return RunResult(
        method=method,
        mix=mix,
        heterogeneous=heterogeneous,
        seed=seed,
        n_true=n,
        n_captured=int(captured.any(axis=1).sum()),
        n_linked=len(linked.memberships),
        set_aside=linked.set_aside,
        estimate=value,
        ci_low=low,
        ci_high=high,
        error=error,
        pair_recall=recall,
        false_merge_rate=false_merges,
        by_error=by_error,
        by_origin=by_origin,
    )


@dataclass
class Summary:
    method: str
    mix: str
    heterogeneous: bool
    replicates: int
    failures: int
    mean_bias: float  # mean relative error of the estimate
    rmse: float  # root mean squared relative error
    coverage: float  # share of replicates whose 95 % normal interval holds the true size
    pair_recall: float
    false_merge_rate: float
    by_error: dict[str, PairCounts]
    by_origin: dict[str, PairCounts]


def summarise(results: Sequence[RunResult]) -> Summary:
    first = results[0]
    ok = [r for r in results if r.estimate is not None]
    errors = np.array([r.relative_error for r in ok]) if ok else np.array([np.nan])
    by_error: dict[str, PairCounts] = defaultdict(PairCounts)
    by_origin: dict[str, PairCounts] = defaultdict(PairCounts)
    for r in results:
        for target, source in ((by_error, r.by_error), (by_origin, r.by_origin)):
            for k, v in source.items():
                target[k].linked += v.linked
                target[k].total += v.total
    return Summary(
        method=first.method,
        mix=first.mix,
        heterogeneous=first.heterogeneous,
        replicates=len(results),
        failures=len(results) - len(ok),
        mean_bias=float(np.mean(errors)),
        rmse=float(np.sqrt(np.mean(errors**2))),
        coverage=float(np.mean([r.covered for r in ok])) if ok else float("nan"),
        pair_recall=float(np.mean([r.pair_recall for r in results])),
        false_merge_rate=float(np.mean([r.false_merge_rate for r in results])),
        by_error=dict(by_error),
        by_origin=dict(by_origin),
    )
