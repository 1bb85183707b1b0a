from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "parcours.outbox"
    label = "outbox"
    verbose_name = "Courriels sortants"
