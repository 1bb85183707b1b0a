"""Base classes for views: every view names the permission of the matrix it needs."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.generic import View

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


class JournaledReadView:
    """A page that reads, and whose only writes are the audit events of what it shows (one INSERT) and the
    sensitive-file alert: served outside the request's transaction (ATOMIC_REQUESTS), as the dashboards and
    the national views already are. Each of those writes is atomic on its own; the transaction added two
    round trips to the database (BEGIN, COMMIT) to every view of the most opened pages, and on the embedded
    SQLite it held the write lock (IMMEDIATE) for the whole page. The event is written before the page is
    rendered, as it was: a page that fails after it leaves the journal saying it was asked for. GET and HEAD
    (and OPTIONS) only: an act on the same data goes through its own view, in a transaction."""

    http_method_names = ["get", "head", "options"]

    @classmethod
    def as_view(cls, **initkwargs):
        return transaction.non_atomic_requests(super().as_view(**initkwargs))


PAGE_SIZE = 25


@dataclass
class PageWithoutCount:
    """A page of a list too long to count on every view (the audit journal): `per_page + 1` rows are read to
    know whether a next page exists; no total, no last page."""

    object_list: list
    number: int
    has_next: bool

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def paginate_without_count(request, queryset, per_page: int = PAGE_SIZE) -> PageWithoutCount:
    """Paginate an ordered queryset without counting it; a bad page number gives the first page."""
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        number = 1
    number = min(number, 10_000)  # the offset stays reasonable whatever the URL says
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return PageWithoutCount(rows[:per_page], number, has_next=len(rows) > per_page)


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


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: next to its field when it names one, else on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Confirmation of an irreversible act ------------------------------------------------------------------

CONFIRM_FIELD = "confirmation"
CONFIRM_VALUE = "oui"


@dataclass
class Confirmation:
    """What the confirmation page of an irreversible act says: its title, what will happen (one sentence a
    line), the button that does it and the page to go back to without changing anything. `notify` offers a
    checkbox (name, label) whose value reaches the action (checked by default)."""

    title: str
    consequences: list[str]
    button: str
    back_url: str
    notify: tuple[str, str] | None = None
    extra: list[str] = field(default_factory=list)


def is_confirmed(request) -> bool:
    return request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def confirmation_page(request, confirmation: Confirmation):
    """The confirmation step of an irreversible act: the POST comes back as a page that says what will happen
    and re-posts the same fields with `confirmation=oui`. Nothing has changed yet; works without
    JavaScript."""
    from django.shortcuts import render

    hidden = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", CONFIRM_FIELD)
        and (not confirmation.notify or name != confirmation.notify[0])
        for value in values
    ]
    response = render(
        request,
        "core/confirm_action.html",
        {"confirmation": confirmation, "hidden": hidden, "action": request.path, "title": confirmation.title},
    )
    response["Cache-Control"] = "no-store"
    return response


class ObjectActionView(ActorRequiredMixin, View):
    """A POST action on an object's page (a pathway, an application, a meeting...).

    Success: a message and a redirect to the page (at `anchor`). A refusal about a field: the page comes back
    with the form's error summary in the form's own block, focused, and the error next to the field
    (docs/saisies.md). Any other refusal (the object's state forbids it): an error message that names the
    block at `anchor`, and the redirect to the page at the message (#erreur, in view without JavaScript);
    parcours/errors.js moves the message into the block, in view, and focuses it.
    Subclasses say how to find the object, where its page is and how to render it; `perform`
    calls the service and may return the success message.
    """

    form_class = None
    form_name = ""
    success_message = ""
    anchor = ""

    def get_object(self, pk, **kwargs):
        raise NotImplementedError

    def page_url(self, obj) -> str:
        raise NotImplementedError

    def render_page(self, obj, form):
        raise NotImplementedError

    def perform(self, obj, form) -> str | None:
        raise NotImplementedError

    def get_form(self):
        return self.form_class(self.request.POST, self.request.FILES) if self.form_class else None

    def confirmation(self, obj, form) -> Confirmation | None:
        """An irreversible act returns what its confirmation page says; the act runs only once confirmed.
        It may raise the service's ValidationError first, so that bad input is refused before the question."""
        return None

    def post(self, request, pk, **kwargs):
        obj = self.get_object(pk, **kwargs)
        url = self.page_url(obj) + self.anchor
        try:
            form = self.get_form()
        except ValidationError as exc:
            # The object's state forbids the act before any form (e.g. an objective of a request that is no
            # longer in preparation): the same French message as below, never a 500.
            messages.error(request, " ".join(exc.messages), extra_tags=self.anchor.lstrip("#"))
            return redirect(self.page_url(obj) + ("#erreur" if self.anchor else ""))
        if form is None or form.is_valid():
            try:
                # An irreversible act checks what it can, then asks for confirmation before `perform`.
                confirmation = None if is_confirmed(request) else self.confirmation(obj, form)
                if confirmation is not None:
                    return confirmation_page(request, confirmation)
                message = self.perform(obj, form)
            except ValidationError as exc:
                if form is None or not hasattr(exc, "error_dict"):
                    # The object's state forbids the act (the form may not even be shown any more): a
                    # message, which parcours/errors.js moves into the block at `anchor`, in view and
                    # focused. The page opens at the message itself (#erreur), so that without the script
                    # it is in view too, at the top of the page.
                    messages.error(request, " ".join(exc.messages), extra_tags=self.anchor.lstrip("#"))
                    return redirect(self.page_url(obj) + ("#erreur" if self.anchor else ""))
                apply_errors(form, exc)
            else:
                messages.success(request, message or self.success_message)
                return redirect(url)
        return self.render_page(obj, form)


def altered_file_response(request) -> HttpResponse:
    """What a reader gets when a stored file fails its check (checksum, decryption): a French page, no byte
    of the file. The caller's check has already logged it, with opaque ids only."""
    from django.shortcuts import render

    response = render(request, "altered_file.html", status=409)
    response["Cache-Control"] = "no-store"
    return response


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF download: never cached (it may name a person), never sniffed as something else."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
