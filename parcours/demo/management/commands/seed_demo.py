from django.core.management.base import BaseCommand

from parcours.core.roles import Role
from parcours.demo import referrals_demo
from parcours.demo.generator import ACCOUNTS, DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Crée le département de démonstration (99) avec des personnes fictives, s'il n'existe pas."

    def handle(self, *args, **options):
        departement = build_demo()
        if departement is None:
            self.stdout.write("Le département de démonstration existe déjà.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Département de démonstration créé : {departement}"))
        self.stdout.write(f"\nComptes de démonstration (mot de passe commun : {DEMO_PASSWORD})")
        for username, _first, _last, _org, role in ACCOUNTS:
            self.stdout.write(f"  {username:<16} {role.label}")
        for username, _first, _last, organisation in referrals_demo.ACCOUNTS:
            self.stdout.write(f"  {username:<16} {Role.PARTNER_ADVISOR.label} ({organisation})")
