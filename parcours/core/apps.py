from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parcours.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from . import (
            second_factor,  # noqa: F401 (connects its login receiver)
            signals,  # noqa: F401 (journal of logins, logouts and failed logins)
        )
