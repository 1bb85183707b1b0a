"""Delivery rules of the outbox (technical, not legal: no legal source applies)."""

from datetime import timedelta

# A worker holds a row for this long while sending; past it, the row is taken as abandoned (worker killed).
LEASE = timedelta(minutes=5)
# Attempts before an e-mail is marked failed (the secretariat can retry it from the outbox page).
MAX_ATTEMPTS = 5
# Wait before attempt n+1: BACKOFF_BASE * 2**(n-1) (1, 2, 4, 8 minutes).
BACKOFF_BASE = timedelta(minutes=1)


def backoff(attempts: int) -> timedelta:
    return BACKOFF_BASE * (2 ** max(attempts - 1, 0))
