"""Base classes for views: every view names the permission of the matrix it needs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator

from .policies import can


class ActorRequiredMixin:
    """Deny unless the current actor's role holds `permission` in the matrix (403 otherwise)."""

    permission: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not self.permission:
            raise PermissionDenied
        self.actor = getattr(request, "actor", None)
        if not can(self.actor, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


PAGE_SIZE = 25


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """Paginate; a bad page number gives the first or last page, never an error."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def sort_param(request, allowed: dict[str, str], default: str) -> tuple[str, str]:
    """Return (key, order_by) from ?tri=..., refusing anything not in `allowed`."""
    key = request.GET.get("tri", default)
    if key.lstrip("-") not in allowed:
        key = default
    field = allowed[key.lstrip("-")]
    return key, ("-" + field if key.startswith("-") else field)
