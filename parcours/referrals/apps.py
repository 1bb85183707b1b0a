from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "parcours.referrals"
    label = "referrals"
    verbose_name = "Repérage, protection et orientation"
