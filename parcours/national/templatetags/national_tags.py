from django import template

from parcours.stats.dashboards import BREAKDOWN_LABELS

register = template.Library()


@register.filter
def breakdown_title(by: str) -> str:
    """« Par sexe » for "sex": the dashboards' titles, so that both say the same."""
    return BREAKDOWN_LABELS.get(by, f"Par {by}")
