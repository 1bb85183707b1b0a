from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "parcours.directory"
    label = "directory"
    verbose_name = "Annuaire du réseau"

    def ready(self):
        from .policies import register_permissions

        register_permissions()
