from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "parcours.housing"
    label = "housing"
    verbose_name = "Hébergement et logement"

    def ready(self):
        from parcours.people.merge import register_merge_step

        from . import policies  # noqa: F401 (registers the permissions)
        from .services import move_on_merge

        register_merge_step(move_on_merge)
