from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class StatsConfig(AppConfig):
    name = "parcours.stats"
    label = "stats"
    verbose_name = "Indicateurs"

    def ready(self) -> None:
        from parcours.core import data_version

        from .cache import SOURCE_TABLES, TRIGGER_FUNCTION
        from .policies import register_permissions

        register_permissions()
        # Each app declares its measures in its own `measures.py` (see parcours.stats.registry).
        autodiscover_modules("measures")
        # The indicators' version kept by SQLite's triggers too: those a rebuilt table lost, put back.
        data_version.watch_after_migrate(self, TRIGGER_FUNCTION, SOURCE_TABLES)
