from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "parcours.deadlines"
    label = "deadlines"
    verbose_name = "À traiter"
