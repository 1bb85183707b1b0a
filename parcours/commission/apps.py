from django.apps import AppConfig


class CommissionConfig(AppConfig):
    name = "parcours.commission"
    label = "commission"
    verbose_name = "Commission départementale"

    def ready(self):
        from . import (
            board,  # noqa: F401 (the secretariat's and the signatory's board sections)
            board_portal,  # noqa: F401 (the member portal's board sections)
            policies,  # noqa: F401 (registers the permissions)
        )
        from .documents import register_kinds

        register_kinds()

        from parcours.pathways.services import register_outside_decision_recorder

        from .services import record_outside_decision

        register_outside_decision_recorder(record_outside_decision)
