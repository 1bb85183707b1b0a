"""A bounded map kept for the process's life: what core.sql_shapes (compiled SQL) and core.form_html (blank
forms' fields) keep between requests."""

from __future__ import annotations

import threading
from collections import OrderedDict


class Kept:
    """At most `size` entries, the oldest leaving first; reads without a lock (a dict lookup), writes under
    one (threads of the development server)."""

    def __init__(self, size: int):
        self._size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        return self._items.get(key)

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __iter__(self):
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)
