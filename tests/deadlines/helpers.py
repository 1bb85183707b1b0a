"""Shared checks of a board section limited in SQL: its first items, its true count, its link to them all,
and a number of queries that does not grow with the number of items."""

from __future__ import annotations

import html
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.core import board

# The board loads this many items of a section in these tests (monkeypatched: a few rows prove the limit).
SMALL_LIMIT = 3


def limit_board(monkeypatch, limit: int = SMALL_LIMIT) -> int:
    monkeypatch.setattr(board, "BOARD_SECTION_LIMIT", limit)
    return limit


@dataclass
class BoardRead:
    section: board.BoardSection | None
    page: str
    queries: int


def read_board(client, key: str) -> BoardRead:
    """The board as `client` sees it: the section `key` (None if empty), the page, the number of queries."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    found = [s for s in response.context["sections"] if s.key == key and s.count]
    return BoardRead(found[0] if found else None, html.unescape(response.content.decode()), len(queries))


def assert_limited(read: BoardRead, *, total: int, limit: int = SMALL_LIMIT, more_url: str | None) -> None:
    """The section lists `limit` items, its badge says `total`, and « Voir les N » links to `more_url` (or,
    with no list page, the page says how many are shown)."""
    section = read.section
    assert section is not None
    assert section.count == total and len(section.items) == limit
    block = read.page.split(f'data-testid="board-{section.key}"', 1)[1].split("</section>", 1)[0]
    assert f'data-testid="board-count">{total}</span>' in block
    assert block.count('data-testid="board-item"') == limit
    if more_url is None:
        assert f"Les {limit} plus urgents sur {total} sont affichés." in block
    else:
        assert section.more_url == more_url
        assert f'<a href="{more_url}" data-testid="board-more">Voir les {total}</a>' in block


def listed(client, url: str) -> str:
    """The list page the board links to (it answers 200 for the role)."""
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())
