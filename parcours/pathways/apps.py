from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "parcours.pathways"
    label = "pathways"
    verbose_name = "Parcours de sortie"
