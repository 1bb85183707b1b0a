from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _watch_on_sqlite(sender, using, **kwargs) -> None:
    """The board's version kept by SQLite triggers too (parcours.core.data_version)."""
    from django.db import connections

    from parcours.core import data_version

    from .cache import SOURCE_TABLES, TRIGGER_FUNCTION

    data_version.watch_on_sqlite(connections[using], TRIGGER_FUNCTION, SOURCE_TABLES)


class DeadlinesConfig(AppConfig):
    name = "parcours.deadlines"
    label = "deadlines"
    verbose_name = "À traiter"

    def ready(self) -> None:
        post_migrate.connect(_watch_on_sqlite, sender=self, dispatch_uid="parcours.deadlines.watch_on_sqlite")
