"""Recall of the LK2 keys against LK1 under single error types, on synthetic pairs (quick measure).

For each error type, a few hundred synthetic people are written twice (two lists): once as they are, once
with one error. A pair is "linked" when `linkage.link` puts the two records in one cluster (LK2) or when
the two LK1 keys are equal. Also measured: false merges among pairs of DIFFERENT people born the same day
with the same sex (the hardest case for the single-name keys). The full simulation (populations, error
mixes, estimate bias) is in bench/. Run: .venv/bin/python scripts/measure_linkage_recall.py
"""

from __future__ import annotations

import hashlib
import hmac
import random
from datetime import date

from parcours.diagnostic.linkage import Record, derive_key, link, normalise_name, person_keys

SURNAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "Andre", "Mercier", "Dupont", "Lambert", "Bonnet", "Francois", "Martinez", "Legrand",
    "Diallo", "Traore", "Kone", "Camara", "Benali", "Haddad", "Mansouri", "Nguyen", "Tran", "Popescu",
    "Kowalski", "Ivanov", "Kerbrat", "Le Gall", "Zorvalenne", "Oliveira", "Ferreira", "Yilmaz", "Kaya", "Sow",
]  # fmt: skip
FIRST_NAMES = {
    "2": ["Marie", "Camille", "Lea", "Manon", "Chloe", "Ines", "Sarah", "Fatou", "Aicha", "Yasmine", "Nadia",
          "Elena", "Ioana", "Olga", "Mei", "Ilona", "Julie", "Emma", "Lina", "Amina"],
    "1": ["Lucas", "Hugo", "Louis", "Nathan", "Mohamed", "Karim", "Youssef", "Mamadou", "Ibrahima", "Sergei",
          "Andrei", "Pierre", "Paul", "Thomas", "Wei", "Jun", "Antoine", "Julien", "Omar", "Ali"],
}  # fmt: skip
# Chinese surnames: pinyin and a frequent other romanisation (Wade-Giles, Cantonese, passports).
CHINESE = [
    ("Zhang", "Chang"), ("Wang", "Wong"), ("Li", "Lee"), ("Chen", "Chan"), ("Liu", "Lau"), ("Huang", "Hwang"),
    ("Zhao", "Chao"), ("Zhou", "Chow"), ("Wu", "Woo"), ("Xu", "Hsu"), ("Sun", "Suen"), ("Zhu", "Chu"),
    ("Gao", "Kao"), ("Lin", "Lam"), ("He", "Ho"), ("Guo", "Kuo"), ("Luo", "Lo"), ("Liang", "Leung"),
    ("Song", "Sung"), ("Zheng", "Cheng"), ("Xie", "Hsieh"), ("Tang", "Tong"), ("Feng", "Fung"), ("Yu", "Yue"),
    ("Dong", "Tung"), ("Xiao", "Hsiao"), ("Cao", "Tsao"), ("Deng", "Teng"), ("Qian", "Chien"),
    ("Jiang", "Chiang"),
]  # fmt: skip
CHINESE_FIRST = ["Wei", "Fang", "Xiuying", "Min", "Jing", "Qiang", "Lei", "Jun", "Yan", "Jie", "Tao", "Ming"]


def lk1_key(key: bytes, last: str, first: str, born: date, sex: str) -> str:
    """The former scheme LK1 (letters 2, 3, 5 of the surname, 2, 3 of the first name, DDMMYYYY, sex)."""

    def pick(name, positions, missing):
        return "".join(name[p - 1] if len(name) >= p else "2" for p in positions) if name else missing

    text = f"{pick(normalise_name(last), (2, 3, 5), '999')}{pick(normalise_name(first), (2, 3), '99')}"
    return hmac.new(key, f"LK1|{text}{born:%d%m%Y}{sex}".encode(), hashlib.sha256).hexdigest()


def typo(rng: random.Random, name: str) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    i = rng.randrange(len(name))
    kind = rng.choice(("sub", "del", "ins", "swap"))
    if kind == "sub":
        return name[:i] + rng.choice(letters) + name[i + 1 :]
    if kind == "del" and len(name) > 2:
        return name[:i] + name[i + 1 :]
    if kind == "swap" and i < len(name) - 1:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + rng.choice(letters) + name[i:]


def person(rng: random.Random, chinese: bool = False):
    sex = rng.choice("12")
    if chinese:
        pair = rng.choice(CHINESE)
        last, first = pair[0], rng.choice(CHINESE_FIRST)
    else:
        last, first = rng.choice(SURNAMES), rng.choice(FIRST_NAMES[sex])
    born = date.fromordinal(date(1950, 1, 1).toordinal() + rng.randrange(26000))
    return last, first, born, sex


def erroneous(rng: random.Random, kind: str, last: str, first: str, born: date, sex: str):
    if kind == "surname typo":
        return typo(rng, last), first, born
    if kind == "swap":
        return first, last, born
    if kind == "alias":
        other = rng.choice([f for f in FIRST_NAMES[sex] if f != first])
        return last, other, born
    if kind == "chinese variant":
        variant = next(b for a, b in CHINESE if a == last)
        return variant, first, born
    if kind == "day/month swap":
        return last, first, born.replace(day=born.month, month=born.day)
    if kind == "date typo":  # one of day, month or year off by a little
        while True:
            field, delta = rng.choice(("day", "month", "year")), rng.choice((-2, -1, 1, 2))
            try:
                return last, first, born.replace(**{field: getattr(born, field) + delta})
            except ValueError:
                continue
    return last, first, born


def main(n: int = 400, seed: int = 20261130) -> None:
    rng = random.Random(seed)
    key = derive_key("phrase de mesure synthétique", "MESURE")
    print(f"{'error':<18} {'pairs':>5} {'LK1':>6} {'LK2':>6}")
    for kind in ("none", "surname typo", "swap", "alias", "chinese variant", "day/month swap", "date typo"):
        lk1 = lk2 = 0
        for _ in range(n):
            while True:
                last, first, born, sex = person(rng, chinese=kind == "chinese variant")
                if kind != "day/month swap" or (born.day <= 12 and born.day != born.month):
                    break
            other = erroneous(rng, kind, last, first, born, sex)
            lk1 += lk1_key(key, last, first, born, sex) == lk1_key(key, *other, sex)
            records = [
                Record(0, frozenset(person_keys(key, last, first, born)), sex, "", False),
                Record(1, frozenset(person_keys(key, *other)), sex, "", False),
            ]
            lk2 += len(link(records).clusters) == 1
        print(f"{kind:<18} {n:>5} {lk1 / n:>6.1%} {lk2 / n:>6.1%}")
    # False merges: two different people, same birth date and sex, on two lists (own random stream).
    rng = random.Random(seed + 1)
    lk1 = lk2 = 0
    for _ in range(n * 5):
        a = person(rng, chinese=rng.random() < 0.2)
        while True:
            b = person(rng, chinese=rng.random() < 0.2)
            b = (b[0], b[1], a[2], a[3])
            if (b[0], b[1]) != (a[0], a[1]):
                break
        lk1 += lk1_key(key, *a) == lk1_key(key, *b)
        records = [
            Record(0, frozenset(person_keys(key, *a[:3])), a[3], "", False),
            Record(1, frozenset(person_keys(key, *b[:3])), b[3], "", False),
        ]
        lk2 += len(link(records).clusters) == 1
    print(f"{'false merge*':<18} {n * 5:>5} {lk1 / (n * 5):>6.1%} {lk2 / (n * 5):>6.1%}")
    print("* different people born the same day with the same sex (names drawn from the pools above)")


if __name__ == "__main__":
    main()
