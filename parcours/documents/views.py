"""Views (thin: parse, call a service, render): templates of documents, generated documents."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views import View

from parcours.core import audit
from parcours.core.second_factor import StepUpMixin
from parcours.core.views_base import ActorRequiredMixin, altered_file_response, pdf_response

from . import blocks, registry, services
from .forms import LetterheadForm
from .models import DocumentTemplate, DocumentTemplateVersion
from .selectors import get_document_or_404, read_document


def _departement_or_404(actor, public_id):
    """The département named in the URL: the actor's own, or 404."""
    if actor.departement.public_id != public_id:
        raise Http404
    return actor.departement


def _kind_or_404(key: str) -> registry.DocumentKind:
    try:
        return registry.get(key)
    except KeyError:
        raise Http404 from None


class TemplateListView(ActorRequiredMixin, View):
    permission = "documents.templates"

    def get(self, request):
        customised = dict(
            DocumentTemplate.objects.filter(departement=self.actor.departement).values_list(
                "kind", "updated_at"
            )
        )
        kinds = [(kind, customised.get(kind.key)) for kind in registry.all_kinds()]
        return render(
            request,
            "documents/template_list.html",
            {"kinds": kinds, "departement": self.actor.departement, "nav": "documents"},
        )


class LetterheadView(ActorRequiredMixin, View):
    """The service's details in the heading and signature of every document of the département."""

    permission = "documents.templates"

    def _page(self, request, form):
        return render(request, "documents/letterhead.html", {"form": form, "nav": "documents"})

    def get(self, request):
        head = services.letterhead_of(self.actor.departement)
        initial = {name: getattr(head, name) for name in services.LETTERHEAD_FIELDS}
        return self._page(request, LetterheadForm(initial=initial))

    def post(self, request):
        form = LetterheadForm(request.POST)
        if not form.is_valid():
            return self._page(request, form)
        services.save_letterhead(actor=self.actor, data=form.cleaned_data)
        messages.success(request, "En-tête des documents enregistré : il figure sur les prochains documents.")
        return redirect("documents:letterhead")


class TemplateEditView(ActorRequiredMixin, View):
    permission = "documents.templates"

    def _page(self, request, kind, body, errors=(), status=200):
        history = DocumentTemplateVersion.objects.filter(
            departement=self.actor.departement, kind=kind.key
        ).select_related("saved_by")[:10]
        context = {
            "kind": kind,
            "departement": self.actor.departement,
            "body": body,
            "errors": list(errors),
            "fields": registry.available_fields(kind),
            "history": history,
            "nav": "documents",
        }
        return render(request, "documents/template_edit.html", context, status=status)

    def get(self, request, departement, kind):
        _departement_or_404(self.actor, departement)
        found = _kind_or_404(kind)
        return self._page(
            request, found, services.current_body(departement=self.actor.departement, kind=kind)
        )

    def post(self, request, departement, kind):
        _departement_or_404(self.actor, departement)
        found = _kind_or_404(kind)
        body = request.POST.get("body", "")
        try:
            if "preview" in request.POST:
                content = services.preview_pdf(actor=self.actor, kind=kind, body=body)
                audit.record(self.actor, "view", None, detail=f"aperçu du modèle {kind}")
                return pdf_response(content, "apercu.pdf")
            services.save_template(actor=self.actor, departement=self.actor.departement, kind=kind, body=body)
        except ValidationError as error:
            return self._page(request, found, body, error.messages)
        messages.success(request, "Modèle enregistré.")
        return redirect("documents:template_edit", departement=departement, kind=kind)


class TemplateResetView(ActorRequiredMixin, View):
    permission = "documents.templates"
    http_method_names = ["post"]

    def post(self, request, departement, kind):
        _departement_or_404(self.actor, departement)
        _kind_or_404(kind)
        services.reset_template(actor=self.actor, departement=self.actor.departement, kind=kind)
        messages.success(request, "Le modèle par défaut est rétabli.")
        return redirect("documents:template_edit", departement=departement, kind=kind)


class DocumentDownloadView(ActorRequiredMixin, StepUpMixin, View):
    permission = "documents.generated"

    def get(self, request, pk):
        document = read_document(self.actor, pk, detail="document généré (PDF)", action="download")
        try:
            content = services.pdf_of(document)
        except (services.TamperedDocument, ValidationError):
            return altered_file_response(request)
        # A French file name from the title (« proces-verbal-seance-du-12-mars-2026.pdf »), never a name:
        # titles carry numbers and dates only.
        return pdf_response(content, f"{slugify(document.title)[:80] or 'document'}.pdf")


class DraftView(ActorRequiredMixin, View):
    """A draft corrected block by block, in plain text (blocks.py): no raw HTML, no entity shown."""

    permission = "documents.generated"

    def _page(self, request, document, parts, errors=()):
        context = {"document": document, "blocks": parts, "errors": list(errors), "nav": "documents"}
        return render(request, "documents/draft.html", context)

    def get(self, request, pk):
        document = read_document(self.actor, pk, detail="document généré")
        return self._page(request, document, blocks.split(document.html))

    def post(self, request, pk):
        document = get_document_or_404(self.actor, pk)
        texts = {}
        for key, value in request.POST.items():
            if key.startswith("bloc-") and key.removeprefix("bloc-").isdigit():
                texts[int(key.removeprefix("bloc-"))] = value
        html = blocks.apply(document.html, texts)
        try:
            document = services.update_draft(actor=self.actor, document=document, html=html)
            if "preview" in request.POST:
                return pdf_response(services.pdf_of(document), "apercu-projet.pdf")
        except ValidationError as error:
            parts = blocks.split(document.html)
            for index, text in texts.items():
                if 0 <= index < len(parts) and parts[index].editable:
                    parts[index].text = text
            return self._page(request, document, parts, error.messages)
        messages.success(request, "Brouillon enregistré.")
        return redirect("documents:draft", pk=document.public_id)


class FreezeView(ActorRequiredMixin, View):
    permission = "documents.generated"
    http_method_names = ["post"]

    def post(self, request, pk):
        document = get_document_or_404(self.actor, pk)
        try:
            services.freeze(actor=self.actor, document=document)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("documents:draft", pk=document.public_id)
        messages.success(request, "Document figé : il ne peut plus être modifié.")
        return redirect("documents:draft", pk=document.public_id)
