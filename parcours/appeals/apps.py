from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "parcours.appeals"
    label = "appeals"
    verbose_name = "Recours et procédures contradictoires"

    def ready(self):
        from parcours.approvals.services import register_withdrawal_guard
        from parcours.core.board import register_board_provider

        from .board import appeals_board
        from .documents import register_kinds
        from .policies import register_permissions

        register_permissions()
        register_kinds()
        register_board_provider(appeals_board)
        register_withdrawal_guard(no_withdrawal_procedure_under_way)


def no_withdrawal_procedure_under_way(agrement) -> None:
    """A withdrawal recorded as decided outside Parcours while Parcours holds a procedure under way for the
    same agrément: refused (the decision is taken at the procedure's end, or the procedure is abandoned
    first)."""
    from django.core.exceptions import ValidationError

    from .models import OPEN_PROCEDURE_STATES, Procedure

    if agrement.pk is None:  # not in the database (the rules checked alone): no procedure can hold it
        return
    if Procedure.objects.filter(agrement=agrement, state__in=OPEN_PROCEDURE_STATES).exists():
        raise ValidationError(
            "Une procédure contradictoire de retrait est en cours pour cet agrément dans Parcours : la "
            "décision se prend à son terme, depuis la page de la procédure (ou abandonnez d'abord la "
            "procédure)."
        )
