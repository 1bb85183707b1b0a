from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "parcours.actions"
    label = "actions"
    verbose_name = "Maraudes, prévention, formations et stages"

    def ready(self) -> None:
        from .policies import register_permissions

        register_permissions()
