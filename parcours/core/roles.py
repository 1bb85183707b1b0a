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

# Roles that see people's files (identity or situation), and the administrator who manages the accounts:
# the second factor is mandatory for them when PARCOURS_2FA_MANDATORY is on (production).
PEOPLE_ROLES = frozenset(
    {
        Role.SECRETARIAT,
        Role.SIGNATORY,
        Role.IMMIGRATION,
        Role.ASSOCIATION_WORKER,
        Role.ASSOCIATION_MANAGER,
        Role.PARTNER_ADVISOR,
    }
)
SECOND_FACTOR_ROLES = PEOPLE_ROLES | {Role.ADMIN}
