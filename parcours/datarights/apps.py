from django.apps import AppConfig


class DataRightsConfig(AppConfig):
    name = "parcours.datarights"
    label = "datarights"
    verbose_name = "Droits des personnes (RGPD)"

    def ready(self):
        from parcours.people.services import register_correction_receiver

        from . import (
            board,  # noqa: F401 (the board's section: requests past their deadline)
            policies,  # noqa: F401 (registers the permissions)
        )
        from .services import log_identity_correction

        register_correction_receiver(log_identity_correction)
