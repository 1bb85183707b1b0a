"""The demo directory of département 99 passes the validation of a typed entry, and the search finds it."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.utils import timezone

from parcours.core.roles import Role
from parcours.demo import directory_demo
from parcours.directory.models import Category, Entry
from parcours.directory.selectors import search

pytestmark = pytest.mark.django_db


def test_the_demo_directory_is_valid_fictitious_and_searchable(actors):
    secretariat = actors[Role.SECRETARIAT]
    directory_demo.build(SimpleNamespace(secretariat=secretariat))
    entries = list(Entry.objects.all())
    assert len(entries) == len(directory_demo.ENTRIES)
    # Every category the secretariat types is in the demo (the associations come from the register).
    assert {e.category for e in entries} == set(Category.values) - {Category.ASSOCIATION}
    for entry in entries:
        assert re.fullmatch(r"01 99 00 \d\d \d\d", entry.phone), entry.phone
        assert entry.email.endswith("@demo.invalid")
    advisor = actors[Role.PARTNER_ADVISOR]
    found = search(advisor, query="crip", day=timezone.localdate())
    assert "crip" in [e.category for e in found.entries]
    assert "cegidd" not in [e.category for e in found.entries]
    assert search(advisor, query="roumain", day=timezone.localdate()).entries[0].category == "interpreter"
