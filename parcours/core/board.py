"""The « À traiter » board's parts, shared by every app that adds sections to it (docs/tableau.md).

An app contributes a *provider*: a function of the actor and today's date that returns its sections for the
actor's role, registered from its AppConfig.ready with `register_board_provider`. The board
(parcours.deadlines) reads the registry: the apps that feed it import this module, never the board.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .access import Actor

# How many items of a section the board loads (the most urgent first); the badge says the true count and a
# link leads to the list of them all.
BOARD_SECTION_LIMIT = 20

# The dates that are deadlines (a date after which something is late), as opposed to the dates of a past
# event ("transmise le", "signée le") that only say how long a case has waited.
DEADLINE_LABELS = frozenset(
    {"fin le", "échue le", "expire le", "expirée le", "avant le", "date limite", "le"}
)


@dataclass
class BoardItem:
    label: str
    url: str
    due: date | None = None
    extra: str = ""
    due_label: str = ""  # what the date is ("transmise le", "fin le"): a bare date means nothing to a reader
    # The person the item is about: the case is the person (one line per person on the board), and an
    # association's worker reads the names of its own people instead of their codes.
    person: Any = None
    # An inline form the board shows under the item (template name), e.g. the letter handed over.
    form: str = ""
    form_context: dict = field(default_factory=dict)
    is_deadline: bool | None = None  # None: inferred from due_label (DEADLINE_LABELS)
    also: list[BoardItem] = field(default_factory=list)  # the same case's other items, folded in
    who: str = ""  # filled by board_for: the person's code, or name and code for the association
    overdue: bool = False  # filled by board_for: a deadline already passed

    @property
    def deadline(self) -> bool:
        return self.is_deadline if self.is_deadline is not None else self.due_label in DEADLINE_LABELS

    def overdue_on(self, today: date) -> bool:
        return bool(self.deadline and self.due and self.due < today)

    def rank(self, today: date) -> tuple:
        """Overdue first, then by date (the oldest or nearest first), undated last."""
        return (not self.overdue_on(today), self.due is None, self.due or date.max)


@dataclass
class BoardSection:
    key: str
    title: str
    items: list[BoardItem] = field(default_factory=list)
    verb: str = ""  # the one line that says what to do for every item of the group
    # When only the first items are loaded (BOARD_SECTION_LIMIT): `total` is the true number, counted in
    # SQL, and `more_url` the list page that shows them all. None: every item is loaded (and, each case kept
    # once, `items` may hold fewer: the others are folded under the same person's more urgent item).
    total: int | None = None
    more_url: str = ""
    overdue_total: int | None = None  # the true number of overdue items, when some are not loaded

    @property
    def count(self) -> int:
        return self.total if self.total is not None else len(self.items)

    @property
    def has_more(self) -> bool:
        return self.total is not None and self.total > len(self.items)

    def overdue_count(self, today: date) -> int:
        if self.overdue_total is not None:
            return self.overdue_total
        return sum(1 for i in self.items if i.overdue_on(today))


def limited(
    qs, build: Callable[[Any], BoardItem], *, limit: int | None = None
) -> tuple[list[BoardItem], int | None]:
    """The first `limit` rows of an ordered queryset as board items, and the true number of rows when there
    are more (counted in SQL), else None: a section never loads the whole département."""
    limit = limit or BOARD_SECTION_LIMIT
    rows = list(qs[:limit])
    total = qs.count() if len(rows) == limit else None
    if total == limit:
        total = None
    return [build(row) for row in rows], total


def section(key: str, title: str, qs, build, *, verb: str = "", more_url: str = "", **extra) -> BoardSection:
    """A board section loaded from a queryset ordered by urgency: its first items, its true count."""
    items, total = limited(qs, build)
    return BoardSection(key, title, items, verb=verb, total=total, more_url=more_url, **extra)


def merged_section(
    key: str, title: str, parts, *, verb: str = "", more_url: str = "", **extra
) -> BoardSection:
    """A board section whose items come from several querysets, each ordered by the date its items carry
    (`parts`: (queryset, build) pairs; e.g. deadlines computed differently by kind). The first items of each
    are loaded, merged by date and cut at BOARD_SECTION_LIMIT; the true count is the sum of their counts."""
    limit = BOARD_SECTION_LIMIT
    items: list[BoardItem] = []
    total = 0
    for qs, build in parts:
        part, part_total = limited(qs, build, limit=limit)
        items += part
        total += len(part) if part_total is None else part_total
    items.sort(key=lambda item: (item.due is None, item.due or date.max))
    return BoardSection(
        key,
        title,
        items[:limit],
        verb=verb,
        total=total if total > limit else None,
        more_url=more_url,
        **extra,
    )


BoardProvider = Callable[[Actor, date], list[BoardSection]]
_PROVIDERS: list[BoardProvider] = []


def register_board_provider(provider: BoardProvider) -> BoardProvider:
    """Let another app add sections to the board (called from its AppConfig.ready; usable as a decorator).

    The provider receives the actor and today's date and returns the sections for the actor's role (an empty
    list when the role has nothing to do there); it must scope its querysets to the actor itself. An item
    about a person names it in `person` (never in its label): the board shows each person once and decides
    how to name them.
    """
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def board_providers() -> tuple[BoardProvider, ...]:
    """The registered providers, in the order the apps registered them (INSTALLED_APPS)."""
    return tuple(_PROVIDERS)
