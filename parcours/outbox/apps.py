from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "parcours.outbox"
    label = "outbox"
    verbose_name = "Courriels sortants"

    def ready(self) -> None:
        from . import policies  # noqa: F401 (registers the permissions)
