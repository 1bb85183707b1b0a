from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "parcours.national"
    label = "national"
    verbose_name = "Agrégation nationale"
