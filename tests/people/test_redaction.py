"""The person's names are taken out of a text read under a pseudonym, whatever the case or accents."""

from parcours.people.redaction import contains_names, strip_names

NAMES = ["Dupré-Lefèvre", "Élodie", "Lodi"]


def test_names_are_replaced_whatever_the_case_and_accents():
    text = (
        "ELODIE est suivie depuis 2024 ; Mme dupre lefevre (dite lodi) tient ses rendez-vous. "
        "élodie travaille."
    )
    out = strip_names(text, NAMES, "PSP-93-2026-001")
    assert "lodi" not in out.lower().replace("psp", "")
    assert "dupre" not in out.lower() and "lefevre" not in out.lower()
    assert out.count("PSP-93-2026-001") == 4
    assert out.startswith(
        "PSP-93-2026-001 est suivie depuis 2024 ; Mme PSP-93-2026-001 (dite PSP-93-2026-001)"
    )


def test_whole_words_only_and_short_particles_left_alone():
    out = strip_names("Le marché de la ville ; Marc est venu.", ["Marc", "de la Tour"], "la personne")
    assert out == "Le marché de la ville ; la personne est venu."


def test_decomposed_accents_are_found():
    decomposed = "E\u0301lodie"
    assert (
        strip_names(f"Avec {decomposed} ce matin", ["Élodie"], "la personne") == "Avec la personne ce matin"
    )
    assert contains_names(f"avec {decomposed}", ["ELODIE"])
    assert not contains_names("Rien à signaler", NAMES)
