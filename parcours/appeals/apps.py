from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "parcours.appeals"
    label = "appeals"
    verbose_name = "Recours et procédures contradictoires"

    def ready(self):
        from parcours.core.board import register_board_provider

        from .board import appeals_board
        from .documents import register_kinds
        from .policies import register_permissions

        register_permissions()
        register_kinds()
        register_board_provider(appeals_board)
