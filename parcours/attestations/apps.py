from django.apps import AppConfig


class AttestationsConfig(AppConfig):
    name = "parcours.attestations"
    label = "attestations"
    verbose_name = "Attestations d'engagement dans le parcours"

    def ready(self):
        from . import (
            board,  # noqa: F401 (the secretariat's board section)
            policies,  # noqa: F401 (registers the permissions)
        )
        from .documents import register_kinds

        register_kinds()
