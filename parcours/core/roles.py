"""Roles a membership can hold (ARCHITECTURE.md, "Roles and need-to-know")."""

from django.db import models


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", "Secrétariat de la commission (DDFE)"
    SIGNATORY = "signatory", "Signataire (préfet ou délégataire)"
    ASSOCIATION_WORKER = "association_worker", "Intervenant·e social·e d'association"
    ASSOCIATION_MANAGER = "association_manager", "Responsable d'association"
    COMMISSION_MEMBER = "commission_member", "Membre de la commission"
    PARTNER_ADVISOR = "partner_advisor", "Référent·e partenaire"
    IMMIGRATION = "immigration", "Service des étrangers"
    NATIONAL_ANALYST = "national_analyst", "Analyste national"
    ADMIN = "admin", "Administrateur"


ASSOCIATION_ROLES = frozenset({Role.ASSOCIATION_WORKER, Role.ASSOCIATION_MANAGER})

# Roles that see people's files (identity, situation, dossiers): a grant of one of them by an administrator is
# held until someone else confirms it (docs/permissions.md, docs/adr/0006-confirmation-des-habilitations.md).
PEOPLE_SEEING_ROLES = frozenset(
    {
        Role.SECRETARIAT,
        Role.SIGNATORY,
        Role.IMMIGRATION,
        Role.ASSOCIATION_WORKER,
        Role.ASSOCIATION_MANAGER,
        Role.PARTNER_ADVISOR,
    }
)

# Grants an administrator cannot make alone: every role that sees people, and the administrator role itself
# (otherwise an administrator would create a second administrator account it controls, and confirm its own
# requests through it).
GRANTS_NEEDING_CONFIRMATION = PEOPLE_SEEING_ROLES | {Role.ADMIN}

# The second factor is mandatory for these roles when PARCOURS_2FA_MANDATORY is on (production): the roles
# that see people, and the administrator who manages the accounts.
SECOND_FACTOR_ROLES = PEOPLE_SEEING_ROLES | {Role.ADMIN}


def confirming_role(role: str) -> str:
    """The role that confirms a held grant of `role`: a second administrator for the secretariat (the
    secretariat cannot widen itself), the département's secretariat for every other role."""
    return Role.ADMIN if role == Role.SECRETARIAT else Role.SECRETARIAT
