"""Remove the second factor of an account that lost its phone and its recovery codes (docs/permissions.md).

Run by the operator after checking the holder's identity out of band: `manage.py reset_second_factor LOGIN`.
The account enrols a new app at its next login (mandatory roles) or may do so (others). Audited.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from parcours.core import second_factor
from parcours.core.access import Actor
from parcours.core.models import Membership, User


class Command(BaseCommand):
    help = "Retire la double authentification d'un compte (téléphone et codes de secours perdus)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="identifiant de connexion du compte")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError("Aucun compte ne porte cet identifiant.")
        membership = Membership.objects.filter(user=user).select_related("organisation__departement").first()
        second_factor.remove_second_factor(
            actor=Actor(user=user, membership=membership) if membership else None,
            user=user,
            reason="second facteur réinitialisé par l'exploitant",
        )
        self.stdout.write("Double authentification retirée ; le compte en enregistrera une nouvelle.")
