"""The campaign's secret phrase: the shared word list, the policy and its normalisation (parcours/diagnostic/
phrase.py; the browser's copy is tested in tests/browser/test_phrase.py against the same cases)."""

from __future__ import annotations

import json
import math
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parcours.diagnostic import cli
from parcours.diagnostic.linkage import LinkageError, derive_key
from parcours.diagnostic.phrase import (
    PHRASE_WORDS,
    WORDS_FILE,
    PhraseError,
    check_phrase,
    fold,
    phrase_words,
    words,
)

GOOD = "galaxie lumière montagne orange bateau voyage cerise"
CANONICAL = "galaxie lumiere montagne orange bateau voyage cerise"

# (phrase, canonical phrase or the start of the refusal) — the same cases run in the browser.
CASES = [
    (GOOD, CANONICAL),
    ("  Galaxie LUMIERE montagne-orange bateau\nvoyage   CÉRISE ", CANONICAL),
    ("galaxie,lumière;montagne.orange/bateau_voyage\tcerise", CANONICAL),
    (GOOD + " abeille", CANONICAL + " abeille"),
    ("galaxie lumière montagne orange bateau voyage", "La phrase secrète doit compter au moins 7 mots"),
    ("", "La phrase secrète doit compter au moins 7 mots de la liste de Parcours (0 mot lu)"),
    ("phrase secrète partagée hors ligne", "La phrase secrète doit compter au moins 7 mots"),
    (
        "galaxie lumière montagnes orange bateau voyage cerise",
        "La phrase secrète doit être faite de mots de la liste de Parcours : le mot n° 3 n'en fait pas "
        "partie.",
    ),
    (
        "Zorvalenne lumière montagne orange bateau voyage Quistrabel",
        "La phrase secrète doit être faite de mots de la liste de Parcours : les mots n° 1, 7 n'en font pas",
    ),
    (
        "galaxie lumière montagne orange bateau voyage 1234567",
        "La phrase secrète doit compter au moins 7 mots",
    ),
]


def test_the_list_is_bip39_french_with_its_source_and_licence():
    data = json.loads(WORDS_FILE.read_text(encoding="utf-8"))
    assert data["source"].startswith("https://github.com/bitcoin/bips/blob/")
    assert data["licence"].startswith("MIT.") and "Permission is hereby granted" in data["licence"]
    assert len(words()) == 2048 and words()[0] == "abaisser" and words()[-1] == "zoologie"
    folded = [fold(w) for w in words()]
    # No two words differ only by their accents or case, and each is plain a-z once folded: the
    # normalisation can never merge two words, nor split one.
    assert len(set(folded)) == 2048
    assert all(set(w) <= set(string.ascii_lowercase) for w in folded)
    # BIP-39's own rule for French: the first four letters identify a word.
    assert len({w[:4] for w in folded}) == 2048


def test_the_phrase_holds_at_least_77_bits():
    assert PHRASE_WORDS * math.log2(len(words())) >= 77


@pytest.mark.parametrize(("phrase", "outcome"), CASES)
def test_the_policy(phrase, outcome):
    if outcome.startswith("La phrase"):
        with pytest.raises(PhraseError) as refused:
            check_phrase(phrase)
        assert str(refused.value).startswith(outcome)
        # The message never quotes the phrase: neither its words nor a part of them.
        for word in phrase_words(phrase):
            if word not in {"la", "phrase", "secrete"}:
                assert word not in fold(str(refused.value))
    else:
        assert check_phrase(phrase) == outcome


@given(
    st.lists(st.sampled_from(words()), min_size=PHRASE_WORDS, max_size=PHRASE_WORDS + 3),
    st.lists(st.sampled_from([" ", "  ", "-", "\n", " - ", "\t"]), min_size=10, max_size=10),
    st.lists(st.booleans(), min_size=10, max_size=10),
)
def test_any_phrase_of_the_list_is_accepted_however_written(chosen, separators, upper):
    written = "".join((w.upper() if upper[i] else w) + separators[i] for i, w in enumerate(chosen))
    assert check_phrase(" " + written) == " ".join(fold(w) for w in chosen)


def test_derive_key_applies_the_policy_and_uses_the_canonical_phrase():
    with pytest.raises(LinkageError, match="au moins 7 mots"):
        derive_key("une phrase assez longue", "DIAG-99-2026")
    assert derive_key(GOOD, "DIAG-99-2026") == derive_key(GOOD.upper().replace(" ", "  "), "DIAG-99-2026")
    assert derive_key(GOOD, "DIAG-99-2026") != derive_key(GOOD + " abeille", "DIAG-99-2026")


def test_the_cli_refuses_a_weak_phrase_and_writes_nothing(tmp_path, monkeypatch, capsys):
    source = tmp_path / "liste.csv"
    source.write_text("nom;prenom;date_naissance;sexe\nZorvalenne;Ilona;12/06/1994;F\n", encoding="utf-8")
    target = tmp_path / "cles.csv"
    monkeypatch.setenv("PARCOURS_CAMPAIGN_PHRASE", "motdepasse-de-la-campagne-2026")
    code = cli.main(
        [str(source), str(target), "--campagne", "DIAG-99-2026", "--date-reference", "2026-11-23"]
    )
    err = capsys.readouterr().err
    assert code == 2 and not target.exists()
    assert "La phrase secrète doit compter au moins 7 mots de la liste de Parcours" in err
    assert "motdepasse" not in err
