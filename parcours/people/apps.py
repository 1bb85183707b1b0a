from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "parcours.people"
    label = "people"
    verbose_name = "Personnes"

    def ready(self):
        from parcours.core.crypto import SearchTokens, register_search_tokens

        from .models import Person, PersonSearchToken
        from .services import refresh_search_tokens

        register_search_tokens(
            SearchTokens(
                token_model=PersonSearchToken,
                records=lambda: (
                    Person.objects.filter(merged_into__isnull=True).prefetch_related("aliases").order_by("pk")
                ),
                refresh=refresh_search_tokens,
                done="personnes réindexées",
            )
        )
