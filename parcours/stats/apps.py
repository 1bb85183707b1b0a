from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class StatsConfig(AppConfig):
    name = "parcours.stats"
    label = "stats"
    verbose_name = "Indicateurs"

    def ready(self) -> None:
        from .policies import register_permissions

        register_permissions()
        # Each app declares its measures in its own `measures.py` (see parcours.stats.registry).
        autodiscover_modules("measures")
