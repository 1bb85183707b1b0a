import functools
import io
import uuid
from html import escape

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.generic import FormView, TemplateView, View

from parcours.core import dates
from parcours.core.crypto import EncryptedFieldMixin
from parcours.core.policies import can
from parcours.core.roles import Role
from parcours.core.second_factor import StepUpMixin
from parcours.core.sql_shapes import (
    fixed_prefetches,
    fixed_shape,
    none_related,
    read_prefetched,
    related_exist,
)
from parcours.core.storage import UnreadableFile, read_verified
from parcours.core.urls_cache import cached_reverse
from parcours.core.views_base import (
    ActorRequiredMixin,
    Confirmation,
    JournaledReadView,
    ObjectActionView,
    altered_file_response,
    paginate,
    sort_param,
)
from parcours.people.models import IDENTITY_FIELDS, NAME_FIELDS
from parcours.people.selectors import get_person_or_404, note_list

from . import rules, services
from .forms import (
    AfisChildrenForm,
    AfisGrantForm,
    AfisResumeForm,
    AfisStopForm,
    AfisSuspendForm,
    CloseRequestForm,
    DecisionForm,
    DocumentForm,
    EndForm,
    EndReportForm,
    EndReportRefuseForm,
    HandoverForm,
    NoticeStepForm,
    ObjectiveForm,
    OpinionForm,
    PermitForm,
    RequestForm,
    ReturnIncompleteForm,
    RightStepForm,
    TransferConsentForm,
    TransferRefuseForm,
    TransferRequestForm,
)
from .models import (
    OPEN_REQUEST_STATES,
    UNFAVOURABLE_DECISION_OUTCOMES,
    Afis,
    DocumentKind,
    EndReason,
    Notice,
    PathwayState,
    Request,
    RequestDocument,
    RequestState,
    Transfer,
)
from .policies import abilities
from .selectors import (
    TO_HANDLE,
    board_horizon,
    get_incoming_transfer_or_404,
    get_pathway_or_404,
    get_permit_or_404,
    get_request_document_or_404,
    last_periods,
    listable_pathways,
    pathways_to_handle,
    permits_expiring,
    permits_visible_to,
    read_periods_and_months_elsewhere,
    requests_visible_to,
)

LIST_COLUMNS = (
    "public_id",
    "state",
    "created_at",
    "updated_at",
    "person",
    "association",
    "person__public_id",
    "person__pseudonym",
    "person__is_sensitive",
    "person__departement",
    "association__name",
)
URL_PLACEHOLDER = uuid.UUID(int=0)


def _period_cell(period) -> str:
    """« 2 : 01/03/2026 – 31/08/2026 » for (number, start, end), or a dash."""
    if period is None:
        return "—"
    number, start, end = period
    return f"{number} : {start:%d/%m/%Y} – {end:%d/%m/%Y}"


class PathwayListView(JournaledReadView, ActorRequiredMixin, TemplateView):
    permission = "pathways.list"
    template_name = "pathways/pathway_list.html"

    def get_context_data(self, **kwargs):
        # Only the columns the list shows (a person by her code, never an encrypted field; the period's
        # dates) and the audit journal needs: 25 rows of four wide models were most of the page's time.
        qs = fixed_shape(
            listable_pathways(self.actor).select_related("person", "association").only(*LIST_COLUMNS)
        )
        to_handle = self.request.GET.get("a_traiter", "")
        if to_handle in TO_HANDLE:  # one kind of item of the « À traiter » board, all of them
            to_handle_qs = pathways_to_handle(self.actor, to_handle, timezone.localdate())
            qs = qs.filter(pk__in=to_handle_qs.values("pk"))
        state = self.request.GET.get("etat", "")
        if state in PathwayState.values:
            qs = qs.filter(state=state)
        request_state = self.request.GET.get("demande", "")
        if request_state in RequestState.values:
            in_state = requests_visible_to(self.actor).filter(pathway=OuterRef("pk"), state=request_state)
            qs = qs.filter(Exists(in_state))
        sort_key, order = sort_param(
            self.request,
            {"code": "person__pseudonym", "creation": "created_at", "maj": "updated_at", "etat": "state"},
            "-maj",
        )
        page = paginate(self.request, qs.order_by(order))
        note_list(self.actor, [p.person for p in page], detail="liste des parcours")
        # The rows, printed here (one URL reversed for the page, not one per row; 25 rows of six cells
        # were most of the template's time): the same cells the template wrote, each text escaped as
        # format_html and Django's `escape` do (html.escape of the text).
        detail_url = escape(reverse("pathways:detail", args=[URL_PLACEHOLDER]))
        last = last_periods([pw.pk for pw in page])  # (number, start, end) of each row's last period
        here = timezone.get_current_timezone()
        rows = [
            mark_safe(  # noqa: S308 (every text below escaped; the URL and the dates are ours)
                f'<tr><td><a href="{detail_url.replace(str(URL_PLACEHOLDER), str(pw.public_id))}">'
                f"{escape(pw.person.pseudonym)}</a></td><td>{escape(pw.association.name)}</td>"
                f"<td>{escape(pw.status_after(period[2] if period else None))}</td>"
                f"<td>{_period_cell(period)}</td><td>{pw.updated_at.astimezone(here):%d/%m/%Y}</td></tr>"
            )
            for pw in page
            for period in [last.get(pw.pk)]
        ]
        return {
            "nav": "pathways",
            "page": page,
            "rows": rows,
            "sort": sort_key,
            "states": PathwayState.choices,
            "request_states": RequestState.choices,
            "state": state,
            "request_state": request_state,
            "to_handle": to_handle if to_handle in TO_HANDLE else "",
            "to_handle_choices": TO_HANDLE.items(),
        }


class StartPathwayView(ActorRequiredMixin, View):
    permission = "requests.edit"

    def post(self, request, pk):
        person = get_person_or_404(self.actor, pk, detail="demande de parcours")
        try:
            pathway = services.start_pathway(actor=self.actor, person=person)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("people:detail", pk=pk)
        messages.success(
            request, "Demande de parcours de sortie commencée : complétez-la puis transmettez-la."
        )
        return redirect("pathways:detail", pk=pathway.public_id)


def objective_prefix(objective) -> str:
    return f"objectif-{objective.public_id.hex[:8]}"


# The pathway's file in four pages (tabs), each reading only what it shows: the request under way (the
# landing page, where the association and the secretariat work), the rights, the decisions with the end and
# the appeals, and the history. (key, URL name, label)
TABS = (
    ("request", "pathways:detail", "Demande en cours"),
    ("rights", "pathways:detail_rights", "Droits"),
    ("decisions", "pathways:detail_decisions", "Décisions, fin et recours"),
    ("history", "pathways:detail_history", "Historique"),
)
TAB_URLS = {key: url_name for key, url_name, _ in TABS}


def tab_url(tab: str, pathway) -> str:
    return reverse(TAB_URLS[tab], args=[pathway.public_id])


REQUEST_RELATED_UNUSED = (
    *(
        f"prefect_decision__{name}"
        for name in (
            "created_at",
            "updated_at",
            "item",
            "motive",
            "divergence_motive",
            "return_comment",
            "hearing_notice_on",
            "period_start",
            "document",
            "signed_by",
            "drafted_by",
        )
    ),
    *(f"agrement__{name}" for name in ("created_at", "updated_at", "withdrawal_motive", "tacit")),
    *(f"agrement__organisation__{name}" for name in ("created_at", "updated_at", "address", "email")),
)


def _with_decision(requests):
    """Requests with their decision in the register and the agrément they were filed under (no query per
    row)."""
    return fixed_shape(
        requests.select_related("prefect_decision", "agrement__organisation")
        # Of the decision and the agrément, what the file shows (state, numbers, dates): the motives and the
        # rest stay in the register's own pages.
        .defer(*REQUEST_RELATED_UNUSED)
    )


# Of a request, what the decisions tab's table does not show: its encrypted texts (the association's opinion,
# the actions carried out, the secretariat's comment, the commission's motive: any added later included),
# neither read nor decrypted there (four per request); nor the agrément it was filed under.
REQUEST_TEXTS = tuple(f.name for f in Request._meta.concrete_fields if isinstance(f, EncryptedFieldMixin))


def _all_requests(pathway) -> list:
    """Every request once, with its decision and letters (the decisions tab's table)."""
    requests = list(
        fixed_shape(
            pathway.requests.order_by("created_at", "pk")
            .select_related("prefect_decision")
            .defer(*REQUEST_TEXTS, *(name for name in REQUEST_RELATED_UNUSED if name.startswith("prefect_")))
            .prefetch_related(*fixed_prefetches(pathway.requests.model, "prefect_decision__letters"))
        )
    )
    # The renewal blocker reads it instead of asking again (at most one request is open).
    pathway._open_request = next((r for r in requests if r.state in OPEN_REQUEST_STATES), None)
    return requests


@functools.cache
def _not_abandoned(with_decision: bool):
    """The requests that were not abandoned, latest first (with their decision and agrément, or not): built
    once per process, each call filtering a copy for its pathway (a queryset is a description until read;
    building this one, eight copies of a query of four tables, was a sixth of the request's reading)."""
    requests = Request.objects.exclude(state=RequestState.ABANDONED).order_by("-created_at", "-pk")
    return _with_decision(requests) if with_decision else fixed_shape(requests)


def _current_request(pathway, *, with_decision: bool = False):
    """The request the file is about: the latest that was not abandoned; None before any. It is also the
    open one when one is open: at most one is (constraint `one_open_request_per_pathway`), and none opens
    behind it (a renewal starts only when none is open, a re-examination on appeal files a new request). The
    renewal blocker reads the answer instead of asking again."""
    current = _not_abandoned(with_decision).filter(pathway=pathway).first()
    if current is not None:
        current.pathway = pathway  # as `pathway.requests` would have left it: no query to read it back
    if with_decision:
        # One request: its decision's letters read directly, not through prefetch_related's machinery.
        # The decision in the register is the request's reverse one-to-one (read with it): absent, None.
        decision = getattr(current, "prefect_decision", None)
        if decision is not None:
            read_prefetched(decision, "letters")
    pathway._open_request = current if current is not None and current.state in OPEN_REQUEST_STATES else None
    return current


def detail_context(actor, pathway, tab: str = "request", **forms):
    """The context of one tab of the pathway's file: the header (state, person's code) and the tabs, then
    what that tab shows, and the forms of the acts it offers (`forms` replaces one, bound with its errors)."""
    # The periods table and the status (« période échue »); on the request's tab, with the months used in
    # the person's earlier pathways (abilities and the renewal blocker ask too): one statement for both.
    if tab == "request":
        read_periods_and_months_elsewhere(pathway)
    else:
        read_prefetched(pathway, "periods")
    today = timezone.localdate()
    requests = request_obj = None
    if tab == "decisions":
        requests = _all_requests(pathway)
        request_obj = next((r for r in reversed(requests) if r.state != RequestState.ABANDONED), None)
    elif tab == "request":
        # The landing tab shows the current request, its decision and letters; the rights and the history
        # show nothing of a request (their acts do not depend on one: policies.abilities).
        request_obj = _current_request(pathway, with_decision=True)
    can_do = abilities(actor, pathway, request_obj)
    context = {
        "nav": "pathways",
        "tab": tab,
        "tabs": [
            {
                "key": key,
                "label": label,
                "url": cached_reverse(url_name, args=[pathway.public_id]),
                "current": key == tab,
            }
            for key, url_name, label in TABS
        ],
        "pathway": pathway,
        "person": pathway.person,
        "current": request_obj,
        "can": can_do,
        "rules": rules,
    }
    builders = {
        "request": _request_tab,
        "rights": _rights_tab,
        "decisions": _decisions_tab,
        "history": _history_tab,
    }
    context.update(builders[tab](actor, pathway, request_obj, requests, can_do, today))
    context.update(forms)
    return context


# Of the account that added a document, its name only (never its password hash, nor the rest).
UPLOADER_NOT_SHOWN = tuple(
    f"uploaded_by__{name}"
    for name in ("password", "last_login", "is_superuser", "email", "is_staff", "is_active", "date_joined")
)


@functools.cache
def _documents_with_uploader():
    """A request's documents, latest first, with the name of the account that added each: built once per
    process, filtered for each request (as _not_abandoned)."""
    documents = RequestDocument.objects.select_related("uploaded_by").defer(*UPLOADER_NOT_SHOWN)
    return fixed_shape(documents.order_by("-created_at"))


def _request_tab(actor, pathway, request_obj, requests, can_do, today) -> dict:
    context = {
        "periods": pathway.periods.all(),
        "months_used": rules.months_used([(p.start, p.end) for p in pathway.periods.all()]),
        # Months used in the person's earlier pathways (another département, another association): a number,
        # never where.
        "months_carried": pathway._months_used_elsewhere,
        "renewal_blocker": services.renewal_blocker(pathway),
        "objective_form": ObjectiveForm() if can_do["edit_request"] else None,
        "document_form": DocumentForm() if can_do["edit_request"] else None,
        "incomplete_form": ReturnIncompleteForm() if can_do["check"] else None,
        "opinion_form": OpinionForm(initial={"day": today}) if can_do["opinion"] else None,
        "decision_form": DecisionForm(initial={"day": today}) if can_do["decide"] else None,
    }
    if request_obj is not None:
        context["objectives"] = read_prefetched(request_obj, "objectives")
        if can_do["edit_request"]:
            context["objective_edit_forms"] = [
                (o, ObjectiveForm(instance=o, prefix=objective_prefix(o))) for o in context["objectives"]
            ]
        # Sorted in the order of the checklist (identity, situation, agrément...), the latest first in a kind.
        order = {kind: i for i, kind in enumerate(DocumentKind.values)}
        context["documents"] = sorted(
            _documents_with_uploader().filter(request=request_obj),
            key=lambda d: order.get(d.kind, len(order)),
        )
        for document in context["documents"]:
            document.request = request_obj  # as `request_obj.documents` would have left it
        if request_obj.is_editable:
            context["missing_now"] = services.missing_for_submission(request_obj)
        if can_do["decide"]:
            context["proposed_period"] = services.proposed_period(request_obj, today)
    return context


# Asked on the rights tab (related_exist): the AFIS's rare relations, the person's housing ones.
AFIS_RELATIONS = ("children_changes", "suspensions")
PERSON_HOUSING_RELATIONS = ("housing_requests", "siao_requests")


def _rights_tab(actor, pathway, request_obj, requests, can_do, today) -> dict:
    # Read with the pathway (TAB_RELATED), each pointing back at it: the warnings and the month's line read
    # the person, the periods and the permit without asking again; the AFIS's changes and suspensions after.
    afis = getattr(pathway, "afis", None)
    permit = getattr(pathway, "residence_permit", None)
    # One statement asks whether the AFIS has changes of children and suspensions (most have neither; the
    # month's line reads them) and whether the person has housing and SIAO requests (the housing block,
    # housing_tags, asks no more of what has none).
    person = pathway.person
    present = related_exist(person, *PERSON_HOUSING_RELATIONS, also=[(afis, AFIS_RELATIONS)])
    for owner, relations in ((afis, AFIS_RELATIONS), (person, PERSON_HOUSING_RELATIONS)):
        for relation in relations if owner is not None else ():
            if not present[relation]:
                none_related(owner, relation)
            elif owner is afis:
                read_prefetched(afis, relation)
    context = {
        "afis": afis,
        "permit": permit,
        "right_steps": read_prefetched(pathway, "right_steps"),
        "afis_form": AfisGrantForm(
            initial={"granted_on": today, "start": today, "dependent_children": pathway.person.children}
        )
        if can_do["rights"] and afis is not None and afis.status == "requested"
        else None,
        "afis_stop_form": AfisStopForm(initial={"day": today})
        if can_do["rights"] and afis is not None and afis.status == "granted"
        else None,
        "step_form": RightStepForm() if can_do["rights"] else None,
    }
    if permit is not None:
        context["permit_warnings"] = services.permit_warnings(permit)
    if afis is not None:
        context["afis_warnings"] = services.afis_warnings(afis)
        context["afis_now"] = services.afis_month(afis, today)
    return context


# The pathway's relations the decisions tab shows when there are any (sql_shapes.related_exist).
DECISIONS_TAB_RELATIONS = ("transfers", "transferred_from", "end_reports", "prefect_decisions", "procedures")


def _decisions_tab(actor, pathway, request_obj, requests, can_do, today) -> dict:
    # What most files have none of (transfers, end reports, unfavourable decisions, procedures), asked in one
    # statement; only what exists is then read.
    present = related_exist(
        pathway,
        *DECISIONS_TAB_RELATIONS,
        only={"prefect_decisions": {"outcome": UNFAVOURABLE_DECISION_OUTCOMES}},
    )
    # The pathway's transfers and the one it continues, in one query.
    transfers = (
        list(
            fixed_shape(
                Transfer.objects.filter(Q(pathway=pathway) | Q(new_pathway=pathway)).select_related(
                    "to_departement", "to_association"
                )
            )
        )
        if present["transfers"] or present["transferred_from"]
        else []
    )
    end_reports = (
        list(fixed_shape(pathway.end_reports.select_related("reported_by", "decided_by")))
        if present["end_reports"]
        else []
    )
    pending_end = next((r for r in end_reports if r.state == "pending"), None)
    # The prefect's unfavourable decisions (refusal, end; register of the commission app) with their letters
    # and appeals, once: the end section shows the ends, the appeals block the signed ones' deadlines.
    unfavourable = []
    if present["prefect_decisions"]:
        decisions = fixed_shape(pathway.prefect_decisions.filter(outcome__in=UNFAVOURABLE_DECISION_OUTCOMES))
        unfavourable = list(
            decisions.order_by("-created_at").prefetch_related(
                *fixed_prefetches(decisions.model, "letters", "appeals")
            )
        )
    context = {
        # The appeals block (appeals' pathway_appeals tag) reads them from here: the AFIS read with the
        # pathway (TAB_RELATED), no procedure when there is none.
        "afis": getattr(pathway, "afis", None),
    }
    if not present["procedures"]:
        context["pathway_procedures"] = []
    return {
        **context,
        "requests": requests,
        "transfers": [t for t in transfers if t.pathway_id == pathway.pk],
        "transferred_from": next((t for t in transfers if t.new_pathway_id == pathway.pk), None),
        "end_reports": end_reports,
        "pending_end": pending_end,
        "unfavourable_decisions": unfavourable,
        "end_decisions": [d for d in unfavourable if d.outcome == "ended"],
        "end_form": EndForm(initial={"day": today}) if can_do["end"] and pending_end is None else None,
        "close_form": CloseRequestForm(initial={"day": today})
        if can_do["close_request"] and pending_end is None
        else None,
        "end_report_form": EndReportForm(initial={"day": today})
        if can_do["report_end"] and pending_end is None
        else None,
        "end_refuse_form": EndReportRefuseForm() if pending_end and can_do["confirm_end"] else None,
        "transfer_form": TransferRequestForm(initial={"day": today}, departement=pathway.departement)
        if can_do["transfer"]
        and not any(t.state in ("pending", "accepted") for t in transfers if t.pathway_id == pathway.pk)
        else None,
    }


def _history_tab(actor, pathway, request_obj, requests, can_do, today) -> dict:
    # The timeline's items, printed here like the list's rows (a date filter and five lookups per item were
    # most of the tab's time): who by the account's and the organisation's names only, read as values (no
    # three model instances per item), each escaped as format_html would, the account's name as
    # User.__str__ gives it (AbstractUser.get_full_name, else the username).
    rows = fixed_shape(pathway.events.all()).values_list(
        "at", "label", "motive", "user__first_name", "user__last_name", "user__username", "organisation__name"
    )
    timeline = []
    for at, label, motive, first_name, last_name, username, organisation in rows:
        who = f"{first_name} {last_name}".strip() or username
        why = f" — motif : {escape(motive)}" if motive else ""
        timeline.append(
            mark_safe(  # noqa: S308 (every value escaped)
                f'<li><p class="fr-mb-0"><strong>{timezone.localtime(at):%d/%m/%Y %H:%M}</strong> — '
                f"{escape(label)}</p>\n"
                f'<p class="fr-text--sm fr-mb-0">par {escape(who)} ({escape(organisation)}){why}</p></li>'
            )
        )
    return {"timeline": timeline}


# The person's encrypted fields that no tab of the file shows (its header names the person and her birth
# date; the rest is on the person's own page): neither read nor decrypted for the file, any field added later
# included.
PERSON_NOT_ON_THE_FILE = tuple(
    f"person__{name}" for name in IDENTITY_FIELDS if name not in (*NAME_FIELDS, "birth_date")
)


# What a tab reads with the pathway, in the same query: the rights tab its AFIS and its residence permit, the
# decisions tab its AFIS (for the appeals block).
TAB_RELATED = {"rights": ("afis", "residence_permit"), "decisions": ("afis",)}


class PathwayDetailView(JournaledReadView, ActorRequiredMixin, TemplateView):
    """One tab of a pathway's file (TABS)."""

    permission = "pathways.view"
    template_name = "pathways/pathway_detail.html"
    tab = "request"

    def get_context_data(self, **kwargs):
        pathway = get_pathway_or_404(
            self.actor, self.kwargs["pk"], related=TAB_RELATED.get(self.tab, ()), defer=PERSON_NOT_ON_THE_FILE
        )
        return detail_context(self.actor, pathway, self.tab)


class PathwayActionView(ObjectActionView):
    """A POST on the dossier page (see ObjectActionView)."""

    def get_object(self, pk, **kwargs):
        self.pathway = get_pathway_or_404(self.actor, pk, detail=self.success_message)
        return self.pathway

    tab = "request"  # the tab of the file where the act's form is (TABS)

    def page_url(self, pathway) -> str:
        return tab_url(self.tab, pathway)

    def render_page(self, pathway, form):
        context = detail_context(self.actor, pathway, self.tab, **{self.form_name: form})
        context["focus_form"] = self.form_name
        return render(self.request, "pathways/pathway_detail.html", context)

    def current_request(self):
        current = self.pathway.requests.open().first()
        if current is None:
            raise ValidationError("Aucune demande n'est en cours pour ce parcours.")
        return current


class ObjectiveAddView(PathwayActionView):
    permission = "requests.edit"
    form_class, form_name, anchor = ObjectiveForm, "objective_form", "#plan"
    success_message = "Objectif ajouté au projet d'accompagnement."

    def get_form(self):
        return ObjectiveForm(self.request.POST)

    def perform(self, pathway, form):
        services.add_objective(
            actor=self.actor, request=self.current_request(), objective=form.save(commit=False)
        )


class ObjectiveRemoveView(PathwayActionView):
    permission = "requests.edit"
    anchor = "#plan"
    success_message = "Objectif retiré."

    def perform(self, pathway, form):
        objective = self.current_request().objectives.filter(public_id=self.kwargs["objective"]).first()
        if objective is None:
            raise Http404
        services.remove_objective(actor=self.actor, objective=objective)


class ObjectiveEditView(PathwayActionView):
    """Edit one objective of the plan in place (its own small form on the dossier page)."""

    permission = "requests.edit"
    anchor = "#plan"
    success_message = "Objectif modifié."

    def get_form(self):
        objective = self.current_request().objectives.filter(public_id=self.kwargs["objective"]).first()
        if objective is None:
            raise Http404
        return ObjectiveForm(self.request.POST, instance=objective, prefix=objective_prefix(objective))

    def perform(self, pathway, form):
        services.update_objective(actor=self.actor, objective=form.save(commit=False))

    def render_page(self, pathway, form):
        context = detail_context(self.actor, pathway)
        context["objective_edit_forms"] = [
            (o, form if o.pk == form.instance.pk else f) for o, f in context["objective_edit_forms"]
        ]
        context["focus_form"] = form.prefix
        return render(self.request, "pathways/pathway_detail.html", context)


class DocumentAddView(PathwayActionView):
    permission = "requests.edit"
    form_class, form_name, anchor = DocumentForm, "document_form", "#pieces"
    success_message = "Pièce ajoutée."

    def perform(self, pathway, form):
        services.add_document(
            actor=self.actor,
            request=self.current_request(),
            kind=form.cleaned_data["kind"],
            uploaded=form.cleaned_data["file"],
        )


class DocumentRemoveView(PathwayActionView):
    permission = "requests.edit"
    anchor = "#pieces"
    success_message = "Pièce retirée."

    def perform(self, pathway, form):
        document = RequestDocument.objects.filter(
            request__pathway=pathway, public_id=self.kwargs["document"]
        ).first()
        if document is None:
            raise Http404
        services.remove_document(actor=self.actor, document=document)


class DocumentDownloadView(ActorRequiredMixin, StepUpMixin, View):
    permission = "documents.download"

    def get(self, request, pk, document):
        doc = get_request_document_or_404(self.actor, pk, document)
        pathway = doc.request.pathway
        extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[doc.content_type]
        try:
            content = read_verified(doc.file, doc.sha256, doc.public_id)
        except UnreadableFile:
            return altered_file_response(request)
        response = FileResponse(
            io.BytesIO(content),
            content_type=doc.content_type,
            as_attachment=True,
            filename=f"{pathway.person.pseudonym}-{doc.kind}.{extension}",
        )
        response["Cache-Control"] = "no-store"
        return response


class SubmitView(PathwayActionView):
    permission = "requests.submit"
    anchor = "#demande"
    success_message = "Demande transmise au secrétariat de la commission."

    def perform(self, pathway, form):
        services.submit_request(actor=self.actor, request=self.current_request())


class ReturnIncompleteView(PathwayActionView):
    permission = "requests.check"
    form_class, form_name, anchor = ReturnIncompleteForm, "incomplete_form", "#demande"
    success_message = "Demande renvoyée à l'association avec la liste des éléments manquants."

    def perform(self, pathway, form):
        services.return_incomplete(
            actor=self.actor,
            request=self.current_request(),
            missing=form.cleaned_data["items"],
            comment=form.cleaned_data["comment"],
        )


class MarkReadyView(PathwayActionView):
    permission = "requests.check"
    anchor = "#demande"
    success_message = "Demande déclarée complète et prête pour la commission."

    def perform(self, pathway, form):
        services.mark_ready(actor=self.actor, request=self.current_request())


class OpinionView(PathwayActionView):
    permission = "requests.opinion"
    form_class, form_name, anchor = OpinionForm, "opinion_form", "#demande"
    success_message = "Avis de la commission enregistré."

    def perform(self, pathway, form):
        services.record_opinion(
            actor=self.actor,
            request=self.current_request(),
            opinion=form.cleaned_data["opinion"],
            day=form.cleaned_data["day"],
            motive=form.cleaned_data["motive"],
        )


class DecisionView(PathwayActionView):
    permission = "requests.decide"
    form_class, form_name, anchor = DecisionForm, "decision_form", "#demande"

    def perform(self, pathway, form):
        data = form.cleaned_data
        decision = services.record_prefect_decision(
            actor=self.actor,
            request=self.current_request(),
            outcome=data["decision"],
            day=data["day"],
            external_reference=data["reference"],
            period_start=data["period_start"],
            motive=data["motive"],
            divergence_motive=data["divergence_motive"],
        )
        return (
            f"Décision enregistrée au registre sous le n° {decision.reference} : l'acte et les courriers "
            "de notification sont prêts."
        )


class RenewalView(PathwayActionView):
    permission = "requests.edit"
    anchor = "#demande"
    success_message = "Demande de renouvellement commencée : complétez-la puis transmettez-la."

    def perform(self, pathway, form):
        services.start_renewal(actor=self.actor, pathway=pathway)


class EndView(PathwayActionView):
    permission = "pathways.end"
    form_class, form_name, anchor = EndForm, "end_form", "#fin"
    tab = "decisions"
    success_message = "Fin du parcours enregistrée."

    def get_form(self):
        # A request not yet authorised is closed (withdrawal, contact lost), with its own form.
        if self.pathway.state == PathwayState.IN_INSTRUCTION:
            self.form_name, self.success_message = (
                "close_form",
                "Demande close : le parcours n'a pas été engagé.",
            )
            return CloseRequestForm(self.request.POST)
        return EndForm(self.request.POST)

    def confirmation(self, pathway, form):
        data = form.cleaned_data
        services.check_end(pathway, reason=data["reason"], day=data["day"], outcome=data["outcome"])
        if pathway.state == PathwayState.IN_INSTRUCTION:
            return Confirmation(
                title="Clore la demande",
                consequences=[
                    f"La demande de {pathway.person.pseudonym} est close le {data['day']:%d/%m/%Y} "
                    f"({EndReason(data['reason']).label.lower()}) : cela ne peut pas être défait ; "
                    "il faudrait une nouvelle demande pour un nouveau parcours.",
                    "Elle quitte l'instruction : le secrétariat ne la traite plus.",
                ],
                button="Oui, clore la demande",
                back_url=self.page_url(pathway) + self.anchor,
            )
        consequences = [
            f"Le parcours de {pathway.person.pseudonym} prend fin le {data['day']:%d/%m/%Y} "
            f"({EndReason(data['reason']).label.lower()}) : cela ne peut pas être défait ; il faudrait une "
            "nouvelle demande pour un nouveau parcours.",
            "La période d'autorisation en cours s'arrête à cette date ; "
            "les périodes suivantes sont annulées.",
        ]
        if getattr(pathway, "afis", None) is not None:
            consequences.append("L'AFIS cesse d'être versée à la même date.")
        if pathway.requests.open().exists():
            consequences.append("La demande en cours (renouvellement) est close.")
        return Confirmation(
            title="Terminer le parcours",
            consequences=consequences,
            button="Oui, terminer le parcours",
            back_url=self.page_url(pathway) + self.anchor,
        )

    def perform(self, pathway, form):
        data = form.cleaned_data
        services.end_pathway(
            actor=self.actor,
            pathway=pathway,
            reason=data["reason"],
            day=data["day"],
            outcome=data["outcome"],
            motive=data["motive"],
        )


class EndReportView(PathwayActionView):
    permission = "pathways.report_end"
    form_class, form_name, anchor = EndReportForm, "end_report_form", "#fin"
    tab = "decisions"
    success_message = "Fin du parcours signalée : le secrétariat la confirmera."

    def perform(self, pathway, form):
        services.report_end(actor=self.actor, pathway=pathway, **form.cleaned_data)


class EndReportConfirmView(PathwayActionView):
    permission = "pathways.confirm_end"
    anchor = "#fin"
    tab = "decisions"
    success_message = "Fin du parcours confirmée et enregistrée."

    def perform(self, pathway, form):
        services.confirm_end_report(actor=self.actor, pathway=pathway, report_id=self.kwargs["report"])


class EndReportRefuseView(PathwayActionView):
    permission = "pathways.confirm_end"
    form_class, form_name, anchor = EndReportRefuseForm, "end_refuse_form", "#fin"
    tab = "decisions"
    success_message = "Fin signalée refusée : l'association lit votre motif sur le parcours."

    def perform(self, pathway, form):
        services.refuse_end_report(
            actor=self.actor,
            pathway=pathway,
            report_id=self.kwargs["report"],
            motive=form.cleaned_data["motive"],
        )


class AfisGrantView(PathwayActionView):
    permission = "rights.edit"
    form_class, form_name, anchor = AfisGrantForm, "afis_form", "#droits"
    tab = "rights"
    success_message = "AFIS accordée : montant calculé selon le barème en vigueur."

    def perform(self, pathway, form):
        afis = Afis.objects.filter(pathway=pathway).first()
        if afis is None:
            raise ValidationError("L'AFIS n'a pas été demandée pour ce parcours.")
        services.grant_afis(actor=self.actor, afis=afis, **form.service_data())


class AfisStopView(PathwayActionView):
    permission = "rights.edit"
    form_class, form_name, anchor = AfisStopForm, "afis_stop_form", "#droits"
    tab = "rights"
    success_message = "Arrêt de l'AFIS enregistré."

    def perform(self, pathway, form):
        afis = Afis.objects.filter(pathway=pathway).first()
        if afis is None:
            raise ValidationError("L'AFIS n'a pas été demandée pour ce parcours.")
        services.stop_afis(
            actor=self.actor,
            afis=afis,
            day=form.cleaned_data["day"],
            motive=form.cleaned_data["motive"],
            cause=form.cleaned_data["cause"],
            notice_given_on=form.cleaned_data.get("notice_given_on"),
        )


def afis_context(actor, pathway, **forms):
    afis = Afis.objects.filter(pathway=pathway).first()
    if afis is None:
        raise Http404
    today = timezone.localdate()
    lines = services.afis_lines(afis)
    can_do = abilities(actor, pathway, None)
    editable = can_do["rights"] and afis.status in (Afis.Status.GRANTED, Afis.Status.SUSPENDED)
    context = {
        "nav": "pathways",
        "pathway": pathway,
        "person": pathway.person,
        "afis": afis,
        "lines": lines,
        "total": rules.afis_total(lines),
        "today_month": dates.first_of_month(today),
        "warnings": services.afis_warnings(afis),
        "revaluations": services.pending_revaluations(afis),
        "notices": pathway.notices.select_related("document"),
        "suspensions": afis.suspensions.all(),
        "can": can_do,
        "can_notices": can(actor, "afis.notices"),
        "editable": editable,
        "rules": rules,
        "children_form": AfisChildrenForm(initial={"month": today.replace(day=1)}) if editable else None,
        "suspend_form": AfisSuspendForm(initial={"month": today.replace(day=1)})
        if editable and afis.status == Afis.Status.GRANTED
        else None,
        "resume_form": AfisResumeForm(initial={"month": today.replace(day=1)})
        if editable and afis.status == Afis.Status.SUSPENDED
        else None,
    }
    context.update(forms)
    return context


class AfisPageView(ActorRequiredMixin, TemplateView):
    """The AFIS month by month: the amount due each month (scale in force that month, children that month,
    months suspended), the eligibility warnings and the notices to the payer with their answers."""

    permission = "afis.view"
    template_name = "pathways/afis.html"

    def get_context_data(self, **kwargs):
        pathway = get_pathway_or_404(self.actor, self.kwargs["pk"], detail="AFIS mois par mois")
        if not abilities(self.actor, pathway, None)["afis"]:
            raise Http404
        return afis_context(self.actor, pathway)


class AfisActionView(PathwayActionView):
    """A POST on the AFIS page."""

    anchor = "#afis"

    def get_object(self, pk, **kwargs):
        pathway = super().get_object(pk, **kwargs)
        if not abilities(self.actor, pathway, None)["afis"]:
            raise Http404
        self.afis = Afis.objects.filter(pathway=pathway).first()
        if self.afis is None:
            raise Http404
        return pathway

    def page_url(self, pathway) -> str:
        return reverse("pathways:afis", args=[pathway.public_id])

    def render_page(self, pathway, form):
        context = afis_context(self.actor, pathway, **{self.form_name: form})
        context["focus_form"] = self.form_name
        return render(self.request, "pathways/afis.html", context)


class AfisChildrenView(AfisActionView):
    permission = "rights.edit"
    form_class, form_name = AfisChildrenForm, "children_form"
    success_message = "Nombre d'enfants à charge enregistré ; l'avis à l'organisme payeur est à transmettre."

    def perform(self, pathway, form):
        services.change_afis_children(actor=self.actor, afis=self.afis, **form.cleaned_data)


class AfisSuspendView(AfisActionView):
    permission = "rights.edit"
    form_class, form_name = AfisSuspendForm, "suspend_form"
    success_message = "Suspension de l'AFIS enregistrée ; l'avis à l'organisme payeur est à transmettre."

    def confirmation(self, pathway, form):
        month = form.cleaned_data["month"]
        return Confirmation(
            title="Suspendre l'AFIS",
            consequences=[
                f"Aucun montant n'est dû à partir du mois de {month:%m/%Y}, jusqu'à la reprise.",
                "Un avis de suspension est rédigé pour l'organisme payeur : transmettez-le sans attendre, "
                "sans quoi le versement continue et un trop-perçu serait réclamé à la personne.",
            ],
            button="Oui, suspendre l'AFIS",
            back_url=self.page_url(pathway) + self.anchor,
        )

    def perform(self, pathway, form):
        services.suspend_afis(actor=self.actor, afis=self.afis, **form.cleaned_data)


class AfisResumeView(AfisActionView):
    permission = "rights.edit"
    form_class, form_name = AfisResumeForm, "resume_form"
    success_message = "Reprise du versement enregistrée ; l'avis à l'organisme payeur est à transmettre."

    def perform(self, pathway, form):
        services.resume_afis(actor=self.actor, afis=self.afis, **form.cleaned_data)


class AfisRevaluationView(AfisActionView):
    permission = "rights.edit"
    success_message = "Revalorisation notifiée : l'avis à l'organisme payeur est à transmettre."

    def perform(self, pathway, form):
        services.notify_revaluation(actor=self.actor, afis=self.afis)


class NoticeStepView(AfisActionView):
    permission = "afis.notices"
    form_class, form_name = NoticeStepForm, "notice_form"
    anchor = "#avis"
    success_message = "Suivi de l'avis enregistré."

    def perform(self, pathway, form):
        notice = pathway.notices.filter(public_id=self.kwargs["notice"]).first()
        if notice is None:
            raise Http404
        services.record_notice_step(actor=self.actor, notice=notice, **form.cleaned_data)


class NoticeDownloadView(ActorRequiredMixin, StepUpMixin, View):
    """The notice's letter (PDF), never cached: it names the person (a recent second factor first, as for the
    decisions' letters)."""

    permission = "documents.download"

    def get(self, request, pk, notice):
        from parcours.core.views_base import pdf_response
        from parcours.documents.services import TamperedDocument, pdf_of

        pathway = get_pathway_or_404(self.actor, pk, detail="avis à un organisme")
        found = pathway.notices.filter(public_id=notice).select_related("document").first()
        if found is None or found.document is None:
            raise Http404
        try:
            content = pdf_of(found.document)
        except TamperedDocument:
            return altered_file_response(request)
        return pdf_response(content, f"avis-{found.number}.pdf")


# --- Transfers ---


class TransferRequestView(PathwayActionView):
    permission = "transfers.request"
    form_class, form_name, anchor = TransferRequestForm, "transfer_form", "#transferts"
    tab = "decisions"
    success_message = "Transfert demandé : le secrétariat du département d'accueil l'acceptera."

    def get_form(self):
        return TransferRequestForm(self.request.POST, departement=self.pathway.departement)

    def confirmation(self, pathway, form):
        data = form.cleaned_data
        return Confirmation(
            title="Transférer le suivi dans un autre département",
            consequences=[
                f"Le secrétariat du département {data['to_association'].departement} reçoit la demande, "
                f"avec le code de la personne et les mois déjà utilisés ; il ne voit le dossier qu'après "
                "l'avoir accepté.",
                "Une fois le transfert accepté, le parcours d'ici est clos au jour du transfert ; "
                "l'organisme payeur de l'AFIS et le service des étrangers en sont avisés.",
            ],
            button="Oui, demander le transfert",
            back_url=self.page_url(pathway) + self.anchor,
        )

    def perform(self, pathway, form):
        services.request_departement_transfer(actor=self.actor, pathway=pathway, **form.cleaned_data)


class TransferCloseView(PathwayActionView):
    permission = "pathways.end"
    anchor = "#transferts"
    tab = "decisions"
    success_message = "Parcours clos : suivi transféré ; les avis aux organismes sont à transmettre."

    def confirmation(self, pathway, form):
        return Confirmation(
            title="Clore le parcours transféré",
            consequences=[
                "Le parcours prend fin au jour du transfert (motif : suivi transféré) : cela ne peut pas "
                "être défait.",
                "L'AFIS cesse d'être versée au titre du département ; l'avis à l'organisme payeur et, le cas "
                "échéant, au service des étrangers sont rédigés.",
            ],
            button="Oui, clore le parcours",
            back_url=self.page_url(pathway) + self.anchor,
        )

    def perform(self, pathway, form):
        transfer = pathway.transfers.filter(public_id=self.kwargs["transfer"]).first()
        if transfer is None:
            raise Http404
        services.close_transferred_pathway(actor=self.actor, transfer=transfer)


def transfer_context(actor, transfer, **forms):
    return {
        "nav": "pathways",
        "transfer": transfer,
        "pseudonym": transfer.pathway.person.pseudonym,
        "refuse_form": forms.get("refuse_form") or (TransferRefuseForm() if actor.is_secretariat else None),
        "consent_form": forms.get("consent_form")
        or (
            TransferConsentForm(initial={"consent_given_on": timezone.localdate()})
            if actor.is_association
            else None
        ),
        "focus_form": forms.get("focus_form", ""),
    }


class TransferDetailView(ActorRequiredMixin, TemplateView):
    """An incoming transfer as its receiver sees it: the code of the person, the months already used, the
    associations — not the file, until the transfer is accepted (or the consent recorded)."""

    permission = "transfers.view"
    template_name = "pathways/transfer.html"

    def get_context_data(self, **kwargs):
        transfer = get_incoming_transfer_or_404(self.actor, self.kwargs["pk"])
        from parcours.core import audit

        audit.record(self.actor, "view", transfer, detail="transfert entrant")
        return transfer_context(self.actor, transfer)


class TransferActionView(ObjectActionView):
    def get_object(self, pk, **kwargs):
        return get_incoming_transfer_or_404(self.actor, pk)

    def page_url(self, transfer) -> str:
        return reverse("pathways:transfer", args=[transfer.public_id])

    def render_page(self, transfer, form):
        context = transfer_context(
            self.actor, transfer, **{self.form_name: form, "focus_form": self.form_name}
        )
        return render(self.request, "pathways/transfer.html", context)


class TransferAcceptView(TransferActionView):
    permission = "transfers.decide"

    def confirmation(self, transfer, form):
        return Confirmation(
            title="Accepter le transfert",
            consequences=[
                "Le dossier de la personne est créé dans le département, suivi par "
                f"{transfer.to_association}, "
                "avec un parcours en demande : une demande d'engagement passe devant la commission.",
                f"Les {transfer.months_carried} mois déjà utilisés comptent dans la durée maximale de "
                f"{rules.MAX_PATHWAY_MONTHS} mois.",
                "Le département d'origine clôt son parcours et avise son organisme payeur et son service des "
                "étrangers.",
            ],
            button="Oui, accepter le transfert",
            back_url=self.page_url(transfer),
        )

    def perform(self, transfer, form):
        new = services.accept_departement_transfer(actor=self.actor, transfer=transfer)
        self.accepted = new
        return "Transfert accepté : le parcours est ouvert dans le département."

    def post(self, request, pk, **kwargs):
        response = super().post(request, pk, **kwargs)
        if getattr(self, "accepted", None) is not None:
            return redirect("pathways:detail", pk=self.accepted.public_id)
        return response


class TransferRefuseView(TransferActionView):
    permission = "transfers.decide"
    form_class, form_name = TransferRefuseForm, "refuse_form"
    success_message = "Transfert refusé : l'association d'origine lit votre motif."

    def perform(self, transfer, form):
        services.refuse_departement_transfer(actor=self.actor, transfer=transfer, **form.cleaned_data)

    def post(self, request, pk, **kwargs):
        response = super().post(request, pk, **kwargs)
        if response.status_code == 302 and "#erreur" not in response["Location"]:
            return redirect("home")
        return response


class TransferConsentView(TransferActionView):
    permission = "transfers.consent"
    form_class, form_name = TransferConsentForm, "consent_form"

    def perform(self, transfer, form):
        self.taken = services.consent_transfer(actor=self.actor, transfer=transfer, **form.cleaned_data)
        return "Consentement enregistré : le suivi du parcours est repris par votre association."

    def post(self, request, pk, **kwargs):
        response = super().post(request, pk, **kwargs)
        if getattr(self, "taken", None) is not None:
            return redirect("pathways:detail", pk=self.taken.public_id)
        return response


class HandoverView(ActorRequiredMixin, FormView):
    """The secretariat hands every open pathway of an association over to another one."""

    permission = "transfers.handover"
    template_name = "pathways/handover.html"
    form_class = HandoverForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "departement": self.actor.departement}

    def get_initial(self):
        return {"day": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(nav="pathways", **kwargs)

    def form_valid(self, form):
        from parcours.core.views_base import apply_errors, confirmation_page, is_confirmed

        data = form.cleaned_data
        if not is_confirmed(self.request):
            count = (
                services.Pathway.objects.open()
                .filter(departement=self.actor.departement, association=data["from_association"])
                .count()
            )
            return confirmation_page(
                self.request,
                Confirmation(
                    title="Transférer les parcours de l'association",
                    consequences=[
                        f"Les parcours en cours de {data['from_association']} ({count}) sont confiés à "
                        f"{data['to_association']}.",
                        "Chaque dossier ne suit qu'une fois le consentement de la personne enregistré par "
                        "l'association qui le reprend (tableau « À traiter »).",
                    ],
                    button="Oui, transférer les parcours",
                    back_url=reverse("pathways:handover"),
                ),
            )
        try:
            transfers = services.hand_over_pathways(actor=self.actor, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{len(transfers)} parcours confiés à {data['to_association']} : consentements à recueillir.",
        )
        return redirect("pathways:list")


class RightStepAddView(PathwayActionView):
    permission = "rights.edit"
    form_class, form_name, anchor = RightStepForm, "step_form", "#droits"
    tab = "rights"
    success_message = "Démarche enregistrée."

    def get_form(self):
        return RightStepForm(self.request.POST)

    def perform(self, pathway, form):
        if not abilities(self.actor, pathway, None)["rights"]:
            raise ValidationError("Les démarches ne peuvent être suivies que pendant un parcours autorisé.")
        services.save_right_step(actor=self.actor, pathway=pathway, form=form)


REQUEST_FORM_INTRO = (
    "La demande peut être enregistrée incomplète et reprise plus tard. Toutes les rubriques sont "
    "nécessaires pour la transmettre au secrétariat : la page du parcours liste ce qui manque encore."
)


class RequestEditView(ActorRequiredMixin, FormView):
    permission = "requests.edit"
    template_name = "core/form_page.html"
    form_class = RequestForm

    def get_request(self):
        if not hasattr(self, "_request_obj"):
            pathway = get_pathway_or_404(self.actor, self.kwargs["pk"], detail="modification de la demande")
            current = pathway.requests.open().first()
            if current is None or not abilities(self.actor, pathway, current)["edit_request"]:
                raise Http404
            self._request_obj = current
        return self._request_obj

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_request()}

    def get_context_data(self, **kwargs):
        req = self.get_request()
        return super().get_context_data(
            nav="pathways",
            title=f"{req.get_kind_display()} — {req.pathway.person.pseudonym}",
            intro=REQUEST_FORM_INTRO,
            back_url=reverse("pathways:detail", args=[self.kwargs["pk"]]),
            **kwargs,
        )

    def form_valid(self, form):
        services.update_request(actor=self.actor, request=self.get_request(), form=form)
        messages.success(self.request, "Demande enregistrée.")
        return redirect(reverse("pathways:detail", args=[self.kwargs["pk"]]) + "#demande")


class PermitListView(ActorRequiredMixin, TemplateView):
    permission = "permits.list"
    template_name = "pathways/permit_list.html"

    def get_context_data(self, **kwargs):
        sort_key, order = sort_param(
            self.request,
            {"expiration": "expires_on", "demande": "requested_on", "etat": "status"},
            "expiration",
        )
        qs = permits_visible_to(self.actor).prefetch_related("pathway__periods").order_by(order)
        status = self.request.GET.get("etat", "")
        if status in qs.model.Status.values:  # unknown values (even NUL, fatal to PostgreSQL) are ignored
            qs = qs.filter(status=status)
        expiring = self.request.GET.get("a_traiter", "") == "titres-expirant"
        if expiring:  # the board's « titres expirant » section, all of them
            today = timezone.localdate()
            qs = qs.filter(pk__in=permits_expiring(self.actor, board_horizon(today)).values("pk"))
        page = paginate(self.request, qs)
        note_list(self.actor, [permit.pathway.person for permit in page], detail="liste des titres de séjour")
        return {
            "nav": "permits",
            "page": page,
            "sort": sort_key,
            "status": status,
            "statuses": permits_visible_to(self.actor).model.Status.choices,
            "expiring": expiring,
        }


class PermitEditView(ActorRequiredMixin, FormView):
    permission = "permits.edit"
    template_name = "pathways/permit_form.html"
    form_class = PermitForm

    def get_permit(self):
        if not hasattr(self, "_permit"):
            self._permit = get_permit_or_404(self.actor, self.kwargs["pk"])
        return self._permit

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_permit()}

    def get_context_data(self, **kwargs):
        permit = self.get_permit()
        back = (
            reverse("pathways:permits")
            if self.actor.role == Role.IMMIGRATION
            else reverse("pathways:detail", args=[permit.pathway.public_id])
        )
        return super().get_context_data(
            nav="permits",
            permit=permit,
            person=permit.pathway.person,
            periods=permit.pathway.periods.all(),
            warnings=services.permit_warnings(permit),
            notices=permit.pathway.notices.filter(addressee=Notice.Addressee.IMMIGRATION),
            back_url=back,
            **kwargs,
        )

    def form_valid(self, form):
        services.update_permit(actor=self.actor, permit=self.get_permit(), form=form)
        messages.success(self.request, "Titre de séjour mis à jour.")
        return redirect(self.get_context_data()["back_url"])
