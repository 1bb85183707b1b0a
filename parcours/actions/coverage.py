"""Coverage of prevention: the share of the département's establishments of a kind (collèges first: « chaque
collège », national plan against the prostitution of minors, 15 November 2021) that a prevention action
reached in a period, usually a school year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .models import Establishment, EstablishmentKind

# A school year counts from 1 September to 31 August, as the Education nationale's statistics (DEPP) count it;
# the calendar's exact dates are set by arrêté (code de l'éducation, art. L. 521-1).
SCHOOL_YEAR_START_MONTH = 9


def school_year_of(day: date) -> int:
    """The year the school year containing `day` started in."""
    return day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1


def school_year_bounds(start_year: int) -> tuple[date, date]:
    return date(start_year, SCHOOL_YEAR_START_MONTH, 1), date(start_year + 1, SCHOOL_YEAR_START_MONTH - 1, 31)


@dataclass(frozen=True)
class Coverage:
    kind: str
    label: str
    total: int  # establishments of this kind in the list
    reached: int
    not_reached: list

    @property
    def percent(self) -> float | None:
        """None when the list holds no establishment of this kind (no source, not 0 %)."""
        return round(100 * self.reached / self.total, 1) if self.total else None


def coverage_of(departement, kind: str, start: date, end: date, organisation=None) -> Coverage:
    listed = Establishment.objects.filter(departement=departement, kind=kind, active=True)
    actions = {"prevention_actions__held_on__range": (start, end)}
    if organisation is not None:
        actions["prevention_actions__organisation"] = organisation
    reached_ids = set(listed.filter(**actions).values_list("pk", flat=True))
    return Coverage(
        kind=kind,
        label=EstablishmentKind(kind).label,
        total=listed.count(),
        reached=len(reached_ids),
        not_reached=[e for e in listed if e.pk not in reached_ids],
    )
