from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parcours.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from . import signals  # noqa: F401 (journal of logins, logouts and failed logins)
