"""The network's directory: whom to call, per département, and what to send them (docs/annuaire.md).

An entry is a service (never a private person's home data); a named contact person is allowed with their
professional name, function, phone and e-mail. The approved associations are not entries: they come from the
agrément register (approvals), so that nobody types them twice.
"""

from __future__ import annotations

import unicodedata

from django.db import models
from django.db.models import Q

from parcours.core.models import BaseModel, Departement, User


class Category(models.TextChoices):
    REFERENT_MAGISTRATE = "referent_magistrate", "Magistrat référent mineurs"
    POLICE_REFERENT = "police_referent", "Référent police"
    GENDARMERIE_REFERENT = "gendarmerie_referent", "Référent gendarmerie (Maison de protection des familles)"
    UAPED = "uaped", "UAPED (unité d'accueil pédiatrique enfants en danger)"
    MINOR_SHELTER = "minor_shelter", "Accueil de mineurs victimes"
    CRIP = "crip", "CRIP (cellule de recueil des informations préoccupantes)"
    SIAO = "siao", "SIAO (115)"
    CEGIDD = "cegidd", "CeGIDD (dépistage et santé sexuelle)"
    INTERPRETER = "interpreter", "Interprètes"
    ASSOCIATION = "association", "Association agréée"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    OTHER = "other", "Autre"


# Entries the secretariat types: every category but the approved associations (from the agrément register).
ENTRY_CATEGORIES = [(value, label) for value, label in Category.choices if value != Category.ASSOCIATION]


class Audience(models.TextChoices):
    MINORS = "minors", "Mineurs"
    ADULTS = "adults", "Majeurs"
    BOTH = "both", "Mineurs et majeurs"


def fold(text: str) -> str:
    """Lower case, without accents: « Référent CRIP » and « referent crip » compare equal."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(bare.replace("'", " ").replace("’", " ").split())


class EntryQuerySet(models.QuerySet):
    def current(self):
        return self.filter(retired_on__isnull=True)

    def matching(self, query: str):
        """Every word of `query` (accents and case ignored) in the entry's searchable text."""
        qs = self
        for word in fold(query).split():
            qs = qs.filter(search_text__contains=word)
        return qs


class Entry(BaseModel):
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="directory_entries")
    category = models.CharField("catégorie", max_length=30, choices=ENTRY_CATEGORIES)
    name = models.CharField("nom du service", max_length=200)
    contact_name = models.CharField("personne à contacter (nom professionnel)", max_length=100, blank=True)
    contact_function = models.CharField("fonction", max_length=200, blank=True)
    phone = models.CharField("téléphone professionnel", max_length=30, blank=True)
    email = models.EmailField("courriel professionnel", blank=True)
    website = models.URLField("site internet", blank=True)
    address = models.CharField("adresse du service", max_length=300, blank=True)
    commune = models.CharField("commune", max_length=100, blank=True)
    hours = models.CharField("horaires", max_length=200, blank=True)
    what_to_send = models.TextField("quoi leur transmettre, quand les appeler", blank=True)
    audience = models.CharField("public", max_length=10, choices=Audience.choices, default=Audience.BOTH)
    languages = models.CharField("langues (interprètes)", max_length=200, blank=True)
    # The folded text the search box looks in (name, category, function, what to send, commune, languages),
    # written by the service: accent-insensitive search the same way on SQLite and PostgreSQL.
    search_text = models.TextField(editable=False, blank=True)
    retired_on = models.DateField("retirée le", null=True, blank=True)
    retired_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["category", "name"]
        verbose_name = "entrée de l'annuaire"
        verbose_name_plural = "entrées de l'annuaire"
        constraints = [
            models.CheckConstraint(
                condition=~Q(category="association"), name="directory_entry_not_association"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=["minors", "adults", "both"]), name="directory_entry_audience_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def searchable(self) -> str:
        parts = (
            self.name,
            self.get_category_display(),
            self.contact_function,
            self.what_to_send,
            self.commune,
            self.languages,
        )
        return fold(" ".join(p for p in parts if p))
