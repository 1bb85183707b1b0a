"""The e-mail core sends (the links to choose a password) goes through the outbox, which builds on core: the
outbox app registers its queue here from its AppConfig.ready, and core never imports it."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_queue: Callable[..., object] | None = None


def register_queue(queue: Callable[..., object]) -> None:
    """Called once by the outbox app with its `queue_email` (keyword arguments only)."""
    global _queue
    _queue = queue


def queue_email(**kwargs) -> object:
    """Queue an e-mail in this transaction (parcours.outbox.services.queue_email's arguments)."""
    if _queue is None:
        raise ImproperlyConfigured("parcours.outbox is not installed: no e-mail can be queued.")
    return _queue(**kwargs)
