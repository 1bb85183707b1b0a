from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "parcours.retention"
    verbose_name = "Durées de conservation et versement aux archives"
