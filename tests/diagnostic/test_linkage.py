"""LK2 linkage keys: the same person gives a shared key across lists despite spelling, swaps, aliases,
transliteration and day/month swaps; different people are kept apart by the agreement rules."""

from __future__ import annotations

from datetime import date

import pytest

from parcours.diagnostic.linkage import (
    AMBIGUOUS,
    BORN_AFTER_REFERENCE,
    DATE_MISSING,
    DATE_UNREADABLE,
    DM,
    INCONSISTENT,
    MD,
    NO_NAME,
    NONE,
    UNSUPPORTED_SCRIPT,
    LinkageError,
    Record,
    SetAside,
    age_band,
    age_on,
    date_order_evidence,
    derive_key,
    estimate_memberships,
    key_messages,
    link,
    normalise_name,
    parse_date,
    person_keys,
    reduce_name,
)

from .linkage_vectors import CAMPAIGN, PHRASE

BORN = date(1994, 6, 12)
REFERENCE = date(2026, 11, 30)


@pytest.fixture(scope="module")
def key():
    return derive_key(PHRASE, CAMPAIGN)


def keys(key, last, first, born=BORN):
    return set(person_keys(key, last, first, born, reference=REFERENCE))


# --- Normalisation and transliteration --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("Le Gall-Dupré", "LEGALLDUPRE"),
        ("  le gall dupre ", "LEGALLDUPRE"),
        ("N'Diaye", "NDIAYE"),
        ("Nʼdiaye", "NDIAYE"),  # modifier apostrophe: a separator, not a foreign letter
        ("Œuvrard", "OEUVRARD"),
        ("Zoë", "ZOE"),
        ("Łukasz Wałęsa", "LUKASZWALESA"),
        ("Øyvind", "OYVIND"),
        ("Đorđević", "DORDEVIC"),
        ("Þórunn", "THORUNN"),
        ("Straße", "STRASSE"),
        ("Yıldız", "YILDIZ"),
        ("Ħaġar", "HAGAR"),
        ("Nguyễn Thị", "NGUYENTHI"),
        ("Сергей", "SERGEI"),
        ("Жанна", "ZHANNA"),
        ("Γιώργος", "GIORGOS"),
        ("张伟", "ZHANGWEI"),
        ("محمد", "MHMD"),
        ("김민준", "GIMMINJUN"),
        ("", ""),
    ],
)
def test_names_are_normalised_and_transliterated(written, normalised):
    assert normalise_name(written) == normalised


def test_a_name_in_an_unsupported_script_is_set_aside_not_dropped(key):
    with pytest.raises(SetAside) as caught:
        person_keys(key, "さくら", "Ilona", BORN)
    assert caught.value.reason == UNSUPPORTED_SCRIPT
    assert str(caught.value) == "écriture non prise en charge"
    # Even mixed with Latin letters: the foreign letters are not silently ignored.
    with pytest.raises(SetAside):
        person_keys(key, "Zorvalenne", "Ilonaสม", BORN)


@pytest.mark.parametrize(
    "variants",
    [
        ("Mohamed", "Mohammed", "Muhammad", "Mouhamed"),
        ("Zhang", "Chang", "张"),
        ("Sergei", "Sergey", "Serguei", "Сергей"),
        ("Xu", "Hsu", "徐"),
        ("Zhou", "Chou", "Chow", "周"),
        ("Wang", "Wong", "王"),
        ("Youssef", "Yusuf", "Youcef"),
        ("Aleksandr", "Alexandre", "Александр"),
        ("Choi", "최"),
        ("Fatima", "Fatimah", "Fatema"),
    ],
)
def test_the_phonetic_reduction_absorbs_transliteration_variants(variants):
    assert len({reduce_name(v) for v in variants}) == 1


def test_the_phonetic_reduction_keeps_different_names_apart():
    names = [
        "Martin",
        "Bernard",
        "Dubois",
        "Ilona",
        "Zorvalenne",
        "Mohamed",
        "Nadia",
        "Ali",
        "Paul",
        "Pierre",
    ]
    assert len({reduce_name(n) for n in names}) == len(names)


# --- Dates --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "order", "read"),
    [
        ("12/06/1994", DM, BORN),
        ("06/12/1994", MD, BORN),
        ("12-06-1994", DM, BORN),
        ("12.06.1994", DM, BORN),
        ("1994-06-12", MD, BORN),  # ISO whatever the order
        ("12/06/1994 00:00:00", DM, BORN),  # spreadsheet export
        ("2/3/1990", DM, date(1990, 3, 2)),
        ("1994", DM, 1994),
        ("00/00/1994", DM, 1994),
        ("XX/XX/1994", DM, 1994),
    ],
)
def test_dates_are_read_in_the_lists_order(written, order, read):
    assert parse_date(written, order) == read


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("", DATE_MISSING),
        ("  ", DATE_MISSING),
        ("31/02/1994", DATE_UNREADABLE),
        ("13/13/1994", DATE_UNREADABLE),
        ("12/06/94", DATE_UNREADABLE),  # two-digit year: the century would be a guess
        ("1850", DATE_UNREADABLE),
        ("inconnue", DATE_UNREADABLE),
    ],
)
def test_unusable_dates_are_set_aside_with_their_reason(written, reason):
    with pytest.raises(SetAside) as caught:
        parse_date(written)
    assert caught.value.reason == reason


def test_the_day_month_order_of_a_column_is_detected():
    assert date_order_evidence(["12/06/1994", "25/01/2000", ""]) == DM
    assert date_order_evidence(["06/12/1994", "01/25/2000"]) == MD
    assert date_order_evidence(["25/01/2000", "01/25/2000"]) == INCONSISTENT
    assert date_order_evidence(["01/02/2000", "12/11/1990"]) == AMBIGUOUS
    assert date_order_evidence(["2000-01-25", "1990", ""]) == NONE


def test_age_on_a_full_date_or_a_year_alone():
    assert age_band(date(2010, 1, 1), REFERENCE) == "moins de 18 ans"
    assert age_band(date(2008, 11, 30), REFERENCE) == "18 à 24 ans"
    assert age_band(date(1990, 1, 1), REFERENCE) == "35 ans et plus"
    # A year alone: born on 1 July of that year.
    assert age_on(2008, date(2026, 6, 30)) == 17
    assert age_on(2008, date(2026, 7, 1)) == 18


# --- Keys ---------------------------------------------------------------------------------------------------


def test_known_vector(key):
    """A fixed vector, shared with the browser (tests/browser/test_linkage_js.py): PBKDF2-HMAC-SHA-256
    (210,000 iterations, salt "parcours-diagnostic:DIAG-99-2026"), then HMAC-SHA-256 of each message."""
    assert key_messages("Zorvalenne", "Ilona", BORN) == [
        "LK2|N|ALAN|KARBALAN|12061994",
        "LK2|N|ALAN|KARBALAN|06121994",
        "LK2|1|KARBALAN|12061994",
        "LK2|1|ALAN|12061994",
        "LK2|Y|ALAN|KARBALAN|1994",
        "LK2|D|ALAN|KARBALAN|1206",
    ]
    assert person_keys(key, "ZORVALENNE", "ilona", BORN)[0] == (
        "32c666f6a9af45a960c596a7a7a7417c9a23b4ee15e9e24ba7beb3492e23c915"
    )


def test_the_keys_depend_on_the_campaign_phrase(key):
    other = derive_key(PHRASE + "!", CAMPAIGN)
    other_campaign = derive_key(PHRASE, "DIAG-98-2026")
    mine = keys(key, "Zorvalenne", "Ilona")
    assert not mine & keys(other, "Zorvalenne", "Ilona")
    assert not mine & keys(other_campaign, "Zorvalenne", "Ilona")
    assert all(len(k) == 64 and int(k, 16) >= 0 for k in mine)


def test_a_short_phrase_is_refused():
    with pytest.raises(LinkageError, match="au moins 12 caractères"):
        derive_key("trop court", "DIAG")


def test_sex_is_in_no_key(key):
    # person_keys takes no sex: « sexe inconnu » on one list cannot split a person.
    assert keys(key, "Zorvalenne", "Ilona") == keys(key, "Zorvalenne", "Ilona")


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (("Ilona", "Zorvalenne", BORN), "names swapped"),
        (("Zorvalene", "Ilona", BORN), "surname typo (doubled letter)"),
        (("Zorvalenne", "Ilona", date(1994, 12, 6)), "day and month swapped"),
        (("Zorvalenne", "Ilona", 1994), "year only"),
        (("Zorvalenne", "Ilona", date(1984, 6, 12)), "wrong year"),
        (("Zorvalenne", "Lona", BORN), "working first name"),
        (("Zorvalenne-Kerbrat", "Ilona", BORN), "second surname added"),
        (("ZORVALENNE", "ILONA", date(1994, 6, 12)), "capitals"),
    ],
)
def test_the_same_person_shares_a_key_despite_one_error(key, other, why):
    assert keys(key, "Zorvalenne", "Ilona") & keys(key, *other), why


def test_two_different_people_share_no_key(key):
    assert not keys(key, "Zorvalenne", "Ilona") & keys(key, "Kerbrat", "Paul")
    assert not keys(key, "Zorvalenne", "Ilona") & keys(key, "Zorvalenne", "Ilona", date(1995, 7, 13))


def test_a_year_only_row_gets_the_year_key_alone(key):
    only = person_keys(key, "Zorvalenne", "Ilona", 1994)
    assert len(only) == 1
    assert only[0] in keys(key, "Zorvalenne", "Ilona")
    assert key_messages("Zorvalenne", "Ilona", 1994) == ["LK2|Y|ALAN|KARBALAN|1994"]


def test_no_day_month_swapped_key_when_the_swap_is_no_date(key):
    assert len(key_messages("Zorvalenne", "Ilona", date(1994, 6, 13))) == 5  # 13/06: no 13th month
    assert len(key_messages("Zorvalenne", "Ilona", date(1994, 6, 6))) == 5  # 06/06: the same date


def test_a_short_reduced_name_gives_no_single_name_key():
    assert key_messages("Li", "Wei", date(2001, 1, 1)) == [
        "LK2|N|A|L|01012001",
        "LK2|Y|A|L|2001",
        "LK2|D|A|L|0101",
    ]


@pytest.mark.parametrize(
    ("last", "first", "born", "reason"),
    [
        ("", "", BORN, NO_NAME),
        ("'-", " ", BORN, NO_NAME),
        ("Zorvalenne", "Ilona", None, DATE_MISSING),
        ("Zorvalenne", "Ilona", date(2027, 1, 1), BORN_AFTER_REFERENCE),
        ("Zorvalenne", "Ilona", 2027, BORN_AFTER_REFERENCE),
        ("ひらがな", "", BORN, UNSUPPORTED_SCRIPT),
    ],
)
def test_rows_without_keys_are_set_aside_with_a_reason(key, last, first, born, reason):
    with pytest.raises(SetAside) as caught:
        person_keys(key, last, first, born, reference=REFERENCE)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("last", "first"),
    [("Сергеев", "Сергей"), ("Παπαδόπουλος", "Γιώργος"), ("张", "伟"), ("محمد", "علي"), ("김", "민준")],
)
def test_non_latin_names_get_keys_of_their_own(key, last, first):
    mine = keys(key, last, first)
    assert len(mine) >= 4
    assert not mine & keys(key, "Zorvalenne", "Ilona")


def test_a_cyrillic_and_a_latin_spelling_of_one_person_link(key):
    assert keys(key, "Сергеев", "Сергей") & keys(key, "Sergeev", "Sergey")
    assert keys(key, "张", "伟") & keys(key, "Chang", "Wei")


# --- Linking ------------------------------------------------------------------------------------------------


def record(key, list_index, last, first, born=BORN, sex="2", band="25 à 34 ans", online=False):
    return Record(
        list_index,
        frozenset(person_keys(key, last, first, born)),
        sex,
        band,
        online,
        isinstance(born, date),
    )


def test_link_joins_a_person_across_lists_despite_errors(key):
    records = [
        record(key, 0, "Zorvalenne", "Ilona", online=True),
        record(key, 1, "Ilona", "Zorvalene", date(1994, 12, 6), sex="9"),  # swap, typo, D/M swap
        record(key, 2, "Zorvalenne", "Ilona", 1994, band="35 ans et plus"),  # year only
        record(key, 0, "Kerbrat", "Paul", date(1970, 1, 2), sex="1"),
        record(key, 1, "Kerbrat", "Paul", date(1970, 1, 2), sex="1"),
    ]
    linked = link(records)
    assert sorted(linked.memberships) == [(True, True, False), (True, True, True)]
    ilona = next(c for c in linked.clusters if 0 in c.records)
    assert ilona.sex == "2"  # the known sex wins over 9
    assert ilona.age_band == "25 à 34 ans"  # the band of a record with the full date
    assert ilona.online is True


def test_link_refuses_to_merge_two_records_of_one_list(key):
    # Twins on list 0 share their surname key with the one on list 1: one merge only.
    records = [
        record(key, 0, "Kerbrat", "Paul", sex="1"),
        record(key, 0, "Kerbrat", "Pierre", sex="1"),
        record(key, 1, "Kerbrat", "Paul", sex="1"),
    ]
    linked = link(records)
    assert sorted(linked.memberships) == [(True, False), (True, True)]
    paul = next(c for c in linked.clusters if len(c.records) == 2)
    assert set(paul.records) == {0, 2}  # the strongest pair (all keys shared), not the twin


def test_link_refuses_a_merge_of_two_known_different_sexes(key):
    # Same surname and birth date (the single-name key), different known sexes: two people.
    records = [record(key, 0, "Kerbrat", "Camille", sex="1"), record(key, 1, "Kerbrat", "Dominique", sex="2")]
    linked = link(records)
    assert len(linked.clusters) == 2 and linked.refused_sex == 1
    # An unknown sex never conflicts.
    records[1] = records[1]._replace(sex="9")
    assert len(link(records).clusters) == 1


def test_link_counts_a_row_written_twice_in_one_list_once(key):
    records = [
        record(key, 0, "Kerbrat", "Paul"),
        record(key, 0, "KERBRAT", "paul"),
        record(key, 1, "Ilona", "X"),
    ]
    linked = link(records)
    assert linked.duplicates == 1 and len(linked.clusters) == 2


def test_link_keeps_the_number_of_lists_for_empty_lists(key):
    linked = link([record(key, 0, "Kerbrat", "Paul")], n_lists=3)
    assert linked.memberships == [(True, False, False)]


def test_estimate_memberships_is_the_reports_estimate():
    memberships = [(True, False)] * 60 + [(False, True)] * 50 + [(True, True)] * 30
    result = estimate_memberships(("L1", "L2"), memberships)
    assert result.n_observed == 140
    assert round(result.estimate) == round(90 * 80 / 30)  # Lincoln-Petersen on 2 lists
