from django.apps import AppConfig


class DiagnosticConfig(AppConfig):
    name = "parcours.diagnostic"
    label = "diagnostic"
    verbose_name = "Diagnostic territorial"

    def ready(self):
        from . import (
            board,  # noqa: F401 (board sections: campaigns to follow, surveys to answer)
            policies,  # noqa: F401 (registers the permissions)
        )
