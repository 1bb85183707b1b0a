from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "parcours.referrals"
    label = "referrals"
    verbose_name = "Repérage, protection et orientation"

    def ready(self):
        from parcours.core.board import register_board_provider
        from parcours.core.crypto import SearchTokens, register_search_tokens

        from .board import referrals_board
        from .models import Detection, DetectionSearchToken
        from .policies import register_permissions
        from .services import refresh_search_tokens

        register_permissions()
        register_board_provider(referrals_board)
        # Identified detections only: their own key (docs/reperage.md).
        register_search_tokens(
            SearchTokens(
                token_model=DetectionSearchToken,
                records=lambda: Detection.objects.exclude(last_name_bidx="").order_by("pk"),
                refresh=refresh_search_tokens,
                done="repérages réindexés",
            )
        )
