"""Who may do what in the commission app (merged into the core matrix at start-up)."""

from parcours.core.policies import register
from parcours.core.roles import Role

register(
    {
        # The secretariat runs the commission: composition, meetings, agendas, attendance, opinions.
        "commission.manage": {Role.SECRETARIAT},
        # The secretariat drafts the prefect's decisions; the signatory signs them.
        "commission.decide": {Role.SECRETARIAT},
        "commission.sign": {Role.SIGNATORY},
        # The prefect's decisions: the prefecture only.
        "commission.decisions": {Role.SECRETARIAT, Role.SIGNATORY},
        # Notification letters, each scoped in the selectors (an association: its people's
        # letters; the immigration service: the letters addressed to it).
        "commission.letters": {
            Role.SECRETARIAT,
            Role.SIGNATORY,
            Role.ASSOCIATION_WORKER,
            Role.ASSOCIATION_MANAGER,
            Role.IMMIGRATION,
        },
        # The association records the day it handed the person's letter over (the notification date).
        "commission.letter_handover": {Role.ASSOCIATION_WORKER, Role.ASSOCIATION_MANAGER},
        # A convened member: their meetings, agendas and the pseudonymised summaries, for a limited time.
        "commission.portal": {Role.COMMISSION_MEMBER},
    }
)
