from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "parcours.approvals"
    label = "approvals"
    verbose_name = "Agréments"
