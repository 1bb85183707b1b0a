"""Agrément of associations (R. 121-12-2/3 CASF). For now a dated record; the full procedure comes later."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import F, Q

from parcours.core.models import BaseModel, Organisation


class AgrementQuerySet(models.QuerySet):
    def valid_on(self, day: date):
        return self.filter(valid_from__lte=day, valid_until__gte=day, withdrawn_on__isnull=True)


class Agrement(BaseModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agrements")
    reference = models.CharField("référence de l'arrêté", max_length=100)
    valid_from = models.DateField("valable à partir du")
    valid_until = models.DateField("valable jusqu'au")
    withdrawn_on = models.DateField("retiré le", null=True, blank=True)

    objects = AgrementQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = "agrément"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")), name="agrement_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"Agrément {self.reference} ({self.valid_from:%d/%m/%Y} – {self.valid_until:%d/%m/%Y})"


def has_valid_agrement(organisation: Organisation, day: date) -> bool:
    return Agrement.objects.filter(organisation=organisation).valid_on(day).exists()
