from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "parcours.housing"
    label = "housing"
    verbose_name = "Hébergement et logement"

    def ready(self):
        from . import policies  # noqa: F401 (registers the permissions)
