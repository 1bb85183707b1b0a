from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "parcours.referrals"
    label = "referrals"
    verbose_name = "Repérage, protection et orientation"

    def ready(self):
        from parcours.core.board import register_board_provider

        from .board import referrals_board
        from .policies import register_permissions

        register_permissions()
        register_board_provider(referrals_board)
