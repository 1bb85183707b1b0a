from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "parcours.conventions"
    label = "conventions"
    verbose_name = "Conventions et stratégie départementale"

    def ready(self):
        from parcours.core.board import register_board_provider

        from .board import conventions_board
        from .policies import register_permissions

        register_permissions()
        register_board_provider(conventions_board)
