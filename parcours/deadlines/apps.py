from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "parcours.deadlines"
    label = "deadlines"
    verbose_name = "À traiter"

    def ready(self) -> None:
        from parcours.core import data_version

        from .cache import SOURCE_TABLES, TRIGGER_FUNCTION

        # The board's version kept by SQLite's triggers too: those a rebuilt table lost, put back.
        data_version.watch_after_migrate(self, TRIGGER_FUNCTION, SOURCE_TABLES)
