"""manage.py issue_api_token: the administrator issues an API token (docs/national.md), shown once.

- to a national analyst: --email of their account (its active national-analyst membership);
- to the national instance, on a departmental instance: --export --departement CODE.
--revoke PREFIX revokes a token by the first characters shown when it was issued.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from parcours.core.models import Departement, Membership
from parcours.core.roles import Role
from parcours.national import services
from parcours.national.models import ApiToken, TokenKind
from parcours.national.services import TokenError


class Command(BaseCommand):
    help = "Délivre (ou révoque) un jeton d'API ; le jeton n'est affiché qu'une fois."

    def add_arguments(self, parser):
        parser.add_argument("--email", help="adresse du compte d'analyste national")
        parser.add_argument("--export", action="store_true", help="jeton d'export pour l'instance nationale")
        parser.add_argument("--departement", help="avec --export : code du département exporté")
        parser.add_argument("--name", help="détenteur (par défaut : le compte, ou « Instance nationale »)")
        parser.add_argument("--revoke", metavar="DEBUT", help="révoque le jeton qui commence ainsi")

    def handle(self, *args, **options):
        if options["revoke"]:
            tokens = ApiToken.objects.filter(prefix=options["revoke"][:8], revoked_at__isnull=True)
            if tokens.count() != 1:
                raise CommandError("Aucun jeton actif (ou plusieurs) ne commence ainsi.")
            services.revoke_token(token=tokens.get())
            self.stdout.write("Jeton révoqué.")
            return
        try:
            if options["export"]:
                departement = Departement.objects.filter(code=(options["departement"] or "").upper()).first()
                if departement is None:
                    raise CommandError(f"Département inconnu : « {options['departement']} ».")
                token, key = services.issue_token(
                    kind=TokenKind.EXPORT,
                    name=options["name"] or "Instance nationale",
                    departement=departement,
                )
            else:
                membership = (
                    Membership.objects.active()
                    .filter(user__email__iexact=options["email"] or "", role=Role.NATIONAL_ANALYST)
                    .select_related("user", "organisation__departement")
                    .first()
                )
                if membership is None:
                    raise CommandError("Aucun compte actif d'analyste national avec cette adresse.")
                token, key = services.issue_token(
                    kind=TokenKind.NATIONAL_READ,
                    name=options["name"] or str(membership.user),
                    membership=membership,
                )
        except TokenError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{token} délivré. Jeton (affiché une seule fois, à transmettre de façon sûre) :")
        self.stdout.write(key)
