"""Synthetic identity documents for the demo: a one-page PDF bearing the invented person's name, as an
association would scan a passport or a residence permit. It shows what Parcours must protect: the file is
stored encrypted (parcours.core.storage), and tests/demo/test_demo_at_rest.py checks no name is readable on
disk. Rendered with WeasyPrint (already used for official documents)."""

from __future__ import annotations

from django.utils.html import escape
from weasyprint import HTML

from parcours.people.models import Person


def identity_pdf(person: Person) -> bytes:
    return HTML(
        string=(
            '<html lang="fr"><body style="font-family: sans-serif">'
            "<h1>Titre d'identité — spécimen fictif (démonstration)</h1>"
            f"<p>Nom : {escape(person.last_name.upper())}</p>"
            f"<p>Prénom(s) : {escape(person.first_name)}</p>"
            f"<p>Date de naissance : {person.birth_date:%d/%m/%Y}</p>"
            f"<p>Nationalité : {escape(person.nationality)}</p>"
            "</body></html>"
        )
    ).write_pdf()
