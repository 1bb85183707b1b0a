"""The housing summary on a person's page (people's template loads it: people does not import housing)."""

from django import template
from django.utils import timezone

from parcours.core.policies import can

from ..selectors import housing_summary

register = template.Library()


@register.inclusion_tag("housing/_person_block.html", takes_context=True)
def housing_block(context, person):
    """The person's housing summary and the link to the housing page, for a role that reads it. The page
    that includes it has already read the person through the audited accessor."""
    actor = context.get("actor")
    if not can(actor, "housing.view"):
        return {"show": False}
    return {"show": True, "person": person, "summary": housing_summary(person, timezone.localdate())}
