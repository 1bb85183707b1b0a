from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "parcours.documents"
    label = "documents"
    verbose_name = "Documents officiels"

    def ready(self) -> None:
        from . import policies  # noqa: F401 (registers the permissions)
        from .registry import FREE_LETTER, register

        register(FREE_LETTER)
