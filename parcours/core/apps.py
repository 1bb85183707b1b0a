from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parcours.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self):
        from . import second_factor  # noqa: F401 (connects its login receiver)
