"""The link to a pathway's attestations on the person's page (people does not import attestations)."""

from django import template

from parcours.core.policies import can

register = template.Library()


@register.inclusion_tag("attestations/_pathway_link.html", takes_context=True)
def attestations_link(context, pathway):
    return {"show": can(context.get("actor"), "attestations.view"), "pathway": pathway}
