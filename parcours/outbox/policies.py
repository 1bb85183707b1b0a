"""Who may see the outbox (added to the core matrix)."""

from parcours.core.policies import S, register

register({"outbox.manage": {S}})
