from django.apps import AppConfig


class CommissionConfig(AppConfig):
    name = "parcours.commission"
    label = "commission"
    verbose_name = "Commission départementale"

    def ready(self):
        from . import policies  # noqa: F401 (registers the permissions)
