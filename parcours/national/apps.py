from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "parcours.national"
    label = "national"
    verbose_name = "Agrégation nationale"

    def ready(self):
        from .policies import register_permissions

        register_permissions()
