from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "parcours.outbox"
    label = "outbox"
    verbose_name = "Courriels sortants"

    def ready(self) -> None:
        from parcours.core import mail

        from . import policies  # noqa: F401 (registers the permissions)
        from .services import queue_email

        mail.register_queue(queue_email)
