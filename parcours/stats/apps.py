from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules


def _watch_on_sqlite(sender, using, **kwargs) -> None:
    """The indicators' data version kept by SQLite triggers too (parcours.core.data_version)."""
    from django.db import connections

    from parcours.core import data_version

    from .cache import SOURCE_TABLES, TRIGGER_FUNCTION

    data_version.watch_on_sqlite(connections[using], TRIGGER_FUNCTION, SOURCE_TABLES)


class StatsConfig(AppConfig):
    name = "parcours.stats"
    label = "stats"
    verbose_name = "Indicateurs"

    def ready(self) -> None:
        from .policies import register_permissions

        register_permissions()
        # Each app declares its measures in its own `measures.py` (see parcours.stats.registry).
        autodiscover_modules("measures")
        post_migrate.connect(_watch_on_sqlite, sender=self, dispatch_uid="parcours.stats.watch_on_sqlite")
