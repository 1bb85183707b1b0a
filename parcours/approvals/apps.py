from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "parcours.approvals"
    label = "approvals"
    verbose_name = "Agréments"

    def ready(self):
        from parcours.core.board import register_board_provider

        from .board import approvals_board
        from .policies import register_permissions

        register_permissions()
        register_board_provider(approvals_board)
