"""The rights block on a person's page (people's template loads it: people does not import datarights)."""

from django import template
from django.utils import timezone

from ..policies import abilities

register = template.Library()


@register.inclusion_tag("datarights/_person_block.html", takes_context=True)
def datarights_block(context, person):
    """Open rights requests, the last notice handed over and the link to the rights page, for the association
    following the person and the secretariat. The page that includes it has already read the person through
    the audited accessor."""
    actor = context.get("actor")
    if actor is None or not abilities(actor, person)["view"]:
        return {"show": False}
    today = timezone.localdate()
    open_requests = list(person.rights_requests.open().order_by("due_on"))
    return {
        "show": True,
        "person": person,
        "open_requests": open_requests,
        "overdue": sum(1 for r in open_requests if r.due_on < today),
        "last_notice": person.notice_deliveries.order_by("-given_on", "-created_at").first(),
    }
