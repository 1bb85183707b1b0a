"""Who may do what in the commission app (merged into the core matrix at start-up)."""

from parcours.core.policies import register
from parcours.core.roles import Role

register(
    {
        # The secretariat runs the commission: composition, meetings, agendas, attendance, opinions.
        "commission.manage": {Role.SECRETARIAT},
        # A convened member: their meetings, agendas and the pseudonymised summaries, for a limited time.
        "commission.portal": {Role.COMMISSION_MEMBER},
    }
)
