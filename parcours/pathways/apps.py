from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "parcours.pathways"
    label = "pathways"
    verbose_name = "Parcours de sortie"

    def ready(self):
        from parcours.core.board import register_board_provider

        from .board import pathways_board
        from .documents import register_kinds
        from .policies import register_permissions

        register_permissions()
        register_kinds()
        register_board_provider(pathways_board)
