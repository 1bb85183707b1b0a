from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View

from parcours.core import audit
from parcours.core.dates import age_on
from parcours.core.policies import can
from parcours.core.views_base import (
    ActorRequiredMixin,
    Confirmation,
    JournaledReadView,
    apply_errors,
    confirmation_page,
    is_confirmed,
    paginate,
    sort_param,
)
from parcours.pathways.models import Pathway
from parcours.people.rules import AGE_OF_MAJORITY, MINOR_REFUSED

from . import merge, services, translations
from .forms import (
    AliasForm,
    ConsentForm,
    IdentityDocumentForm,
    InterpretingForm,
    NoteForm,
    PersonCreateForm,
    PersonForm,
    PersonSearchForm,
    ShareForm,
    WithdrawConsentForm,
)
from .models import Consent, ConsentPurpose, Share
from .selectors import get_person_or_404, note_list, people_visible_to, read_person_data, searchable_people


class PersonListView(ActorRequiredMixin, TemplateView):
    """The people the actor may see; the search by name or birth date is POSTed so that no identity
    element ever appears in a URL (browser history, proxy and server logs)."""

    permission = "people.list"
    template_name = "people/person_list.html"
    search_limit = 50  # a search is for finding one person: beyond this, ask for a narrower one

    def post(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(**kwargs))

    def get_context_data(self, **kwargs):
        form = PersonSearchForm(self.request.POST if self.request.method == "POST" else None)
        qs = searchable_people(self.actor).select_related("organisation").names_only()
        sort_key, order = sort_param(
            self.request, {"code": "pseudonym", "creation": "created_at", "maj": "updated_at"}, "-maj"
        )
        # Scoped to the département (its (département, état) index), not every open pathway of the country.
        open_pathway = Pathway.objects.open().filter(
            departement=self.actor.departement, person=OuterRef("pk")
        )
        qs = qs.annotate(has_open_pathway=Exists(open_pathway))
        context = {"nav": "people", "form": form, "sort": sort_key, "searched": False, "truncated": False}
        if form.is_bound:
            if not form.is_valid():
                context["page"] = []
                return context
            nom, naissance = form.cleaned_data["nom"].strip(), form.cleaned_data["naissance"]
            if nom or naissance:
                audit.record(self.actor, "search", detail="recherche par nom et/ou date de naissance")
                found = qs.search(birth_date=naissance).order_by("pseudonym")
                limit = self.search_limit + 1
                results = found.search_name(nom, limit=limit) if nom else list(found[:limit])
                results = results[:limit]
                context.update(searched=True, truncated=len(results) > self.search_limit)
                context["page"] = results[: self.search_limit]
                note_list(self.actor, context["page"], detail="résultats de recherche de personnes")
                return context
        page = paginate(self.request, qs.order_by(order))
        note_list(self.actor, page, detail="liste des personnes")
        context["page"] = page
        return context


class PersonCreateView(ActorRequiredMixin, FormView):
    """Create a person. Before saving, the blind indexes of the name and birth date are compared across the
    département: on a match, the form comes back with a warning that names no association and no file (unless
    the user already sees that file), and the user must confirm « Il s'agit d'une autre personne »."""

    permission = "people.edit"
    template_name = "people/person_create.html"
    form_class = PersonCreateForm
    duplicate_matches = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "POST":
            # The confirmation box exists once the warning has been shown (its marker comes back with it).
            kwargs["duplicate_warning"] = self.request.POST.get("duplicate_warning") == "1"
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav="people", title="Nouvelle personne accompagnée", back_url=reverse("people:list"), **kwargs
        )

    def form_valid(self, form):
        candidate = form.save(commit=False)
        matches = list(services.possible_duplicates(actor=self.actor, person=candidate))
        # The check is an oracle (« is this person followed anywhere? »): each one is in the journal, without
        # the name, and whether it found something.
        audit.record(
            self.actor,
            "search",
            detail="contrôle des doublons à la création : "
            + ("correspondance possible signalée" if matches else "aucune correspondance"),
        )
        confirmed = bool(form.cleaned_data.get("confirm_other_person"))
        if matches and not confirmed:
            return self._warn(form, matches)
        person = services.create_person(
            actor=self.actor,
            person=candidate,
            accompaniment_consent_on=form.cleaned_data["accompaniment_consent_on"],
            confirmed_other_person=bool(matches) and confirmed,
        )
        messages.success(self.request, f"Personne enregistrée sous le code {person.pseudonym}.")
        return redirect("people:detail", pk=person.public_id)

    def _warn(self, form, matches):
        visible_ids = set(
            searchable_people(self.actor).filter(pk__in=[m.pk for m in matches]).values_list("pk", flat=True)
        )
        visible = [m for m in matches if m.pk in visible_ids]
        warned = PersonCreateForm(self.request.POST, duplicate_warning=True)
        warned.is_valid()
        if visible:
            note_list(self.actor, visible, detail="doublon possible signalé à la création")
        return self.render_to_response(
            self.get_context_data(
                form=warned,
                duplicate_visible=visible,
                duplicate_elsewhere=len(visible) < len(matches),
            )
        )


class PersonDetailView(JournaledReadView, ActorRequiredMixin, TemplateView):
    permission = "people.view"
    template_name = "people/person_detail.html"

    def get_context_data(self, **kwargs):
        person = get_person_or_404(self.actor, self.kwargs["pk"])
        is_minor = age_on(person.birth_date, timezone.localdate()) < AGE_OF_MAJORITY
        is_own = (
            self.actor.is_association
            and person.organisation_id == self.actor.organisation.pk
            and not person.merged_into_id  # a merged record takes nothing more
        )
        context = {
            "nav": "people",
            "person": person,
            "is_own": is_own,
            "aliases": person.aliases.all(),
            "identity_document": person.identity_documents.order_by("-created_at", "-pk").first(),
            "pathways": person.pathways.all() if can(self.actor, "pathways.view") else [],
            "can_start_pathway": is_own
            and not person.pathways.open().exists()
            and not person.merged_into_id
            and not is_minor,
            "is_minor": is_minor,
            "minor_refused": MINOR_REFUSED,
            "merged_into_visible": bool(person.merged_into_id)
            and people_visible_to(self.actor).filter(pk=person.merged_into_id).exists(),
            "merged_records": person.merged_records.all() if self.actor.is_secretariat else [],
        }
        if is_own:
            context.update(
                # After a merge, notes written by another association stay with it.
                notes=person.notes.filter(organisation=self.actor.organisation).select_related("author"),
                consents=person.consents.select_related("partner"),
                shares=person.shares.select_related("partner"),
                note_form=NoteForm(initial={"date": timezone.localdate()}),
                alias_form=AliasForm(),
                identity_form=IdentityDocumentForm(),
                consent_form=ConsentForm(
                    departement=self.actor.departement, own_organisation=self.actor.organisation
                ),
                share_form=ShareForm(person=person),
                withdraw_form=WithdrawConsentForm(initial={"withdrawn_on": timezone.localdate()}),
                interpreting=person.interpreting_sessions.filter(
                    organisation=self.actor.organisation
                ).select_related("consent"),
                interpreting_form=InterpretingForm(person=person, initial={"day": timezone.localdate()}),
            )
        elif self.actor.is_secretariat:
            context.update(
                consents=person.consents.select_related("partner"),
                shares=person.shares.select_related("partner"),
                interpreting=person.interpreting_sessions.select_related("consent"),
            )
        context.setdefault("interpreting", None)  # read by the association and the secretariat only
        context["translated"] = translated_documents(person.document_language)
        return context


class PersonEditView(ActorRequiredMixin, FormView):
    permission = "people.edit"
    template_name = "core/form_page.html"
    form_class = PersonForm

    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_person(self):
        if not hasattr(self, "_person"):
            self._person = get_person_or_404(self.actor, self.kwargs["pk"], detail="modification de la fiche")
        return self._person

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_person()}

    def get_context_data(self, **kwargs):
        person = self.get_person()
        return super().get_context_data(
            nav="people",
            title=f"Modifier la fiche {person.pseudonym}",
            back_url=reverse("people:detail", args=[person.public_id]),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            person = services.update_person(actor=self.actor, person=form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
            return self.form_invalid(form)
        messages.success(self.request, "Fiche mise à jour.")
        return redirect("people:detail", pk=person.public_id)


class PersonActionView(ActorRequiredMixin, View):
    """Base for the small POST forms of the person page. A refusal brings the page back with the form's error
    summary in the form's own block (docs/saisies.md); nothing changes."""

    form_class = None
    form_name = ""
    success_message = ""

    def get_form(self, person):
        return self.form_class(self.request.POST)

    def post(self, request, pk):
        person = get_person_or_404(self.actor, pk, detail=self.success_message)
        form = self.get_form(person)
        if form.is_valid():
            try:
                self.perform(person, form)
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):  # a state refusal: parcours/errors.js brings it into view
                    messages.error(request, " ".join(exc.messages))
                    return redirect(reverse("people:detail", args=[pk]) + self.anchor)
                apply_errors(form, exc)
            else:
                messages.success(request, self.success_message)
                return redirect(reverse("people:detail", args=[pk]) + self.anchor)
        page = PersonDetailView(request=request, kwargs={"pk": pk})
        page.actor = self.actor
        return render(request, page.template_name, {**page.get_context_data(), self.form_name: form})


class NoteAddView(PersonActionView):
    form_name = "note_form"
    permission = "people.notes"
    form_class = NoteForm
    success_message = "Note de suivi ajoutée."
    anchor = "#notes"

    def perform(self, person, form):
        services.add_note(
            actor=self.actor,
            person=person,
            day=form.cleaned_data["date"],
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
        )


class InterpretingAddView(PersonActionView):
    form_name = "interpreting_form"
    permission = "people.interpreting"
    success_message = "Séance d'interprétariat enregistrée."
    anchor = "#interpretariat"

    def get_form(self, person):
        return InterpretingForm(self.request.POST, person=person)

    def perform(self, person, form):
        services.record_interpreting(actor=self.actor, person=person, **form.cleaned_data)


def translated_documents(language: str) -> list[dict]:
    """The documents the person can be given in their language (none for French or another language)."""
    if language not in translations.LANGUAGES:
        return []
    return [
        {"label": label, "code": translations.code_of(document, language)}
        for document, label in translations.DOCUMENTS.items()
    ]


class TranslatedDocumentListView(ActorRequiredMixin, TemplateView):
    """Every translated document, by language: no person's data (blank forms and general explanations)."""

    permission = "people.translations"
    template_name = "people/translated_list.html"

    def get_context_data(self, **kwargs):
        languages = [
            (language, [translations.code_of(d, key) for d in translations.DOCUMENTS])
            for key, language in translations.LANGUAGES.items()
        ]
        return {"nav": "people", "languages": languages, "documents": translations.DOCUMENTS}


class TranslatedDocumentView(ActorRequiredMixin, TemplateView):
    """A document in French and in the person's language side by side, to print and give (the browser's
    « Imprimer » gives a PDF: the page carries the fonts of every script through the system's fonts)."""

    permission = "people.translations"
    template_name = "people/translated_document.html"

    def get_context_data(self, **kwargs):
        found = translations.parse_code(self.kwargs["code"])
        if found is None:
            raise Http404
        document, language = found
        return {"nav": "people", **translations.side_by_side(document, language)}


class AliasAddView(PersonActionView):
    form_name = "alias_form"
    permission = "people.edit"
    form_class = AliasForm
    success_message = "Alias ajouté."
    anchor = "#identite"

    def perform(self, person, form):
        services.add_alias(
            actor=self.actor, person=person, kind=form.cleaned_data["kind"], name=form.cleaned_data["name"]
        )


class IdentityDocumentAddView(PersonActionView):
    form_name = "identity_form"
    permission = "people.edit"
    form_class = IdentityDocumentForm
    success_message = "Pièce d'identité enregistrée."
    anchor = "#identite"

    def perform(self, person, form):
        services.record_identity_document(actor=self.actor, person=person, **form.cleaned_data)


class ConsentAddView(PersonActionView):
    form_name = "consent_form"
    permission = "people.consent"
    success_message = "Consentement enregistré."
    anchor = "#consentements"

    def get_form(self, person):
        return ConsentForm(
            self.request.POST, departement=self.actor.departement, own_organisation=self.actor.organisation
        )

    def perform(self, person, form):
        services.record_consent(
            actor=self.actor,
            person=person,
            purpose=form.cleaned_data["purpose"],
            given_on=form.cleaned_data["given_on"],
            partner=form.cleaned_data["partner"],
        )


class ShareAddView(PersonActionView):
    form_name = "share_form"
    permission = "people.share"
    success_message = "Dossier partagé."
    anchor = "#consentements"

    def get_form(self, person):
        return ShareForm(self.request.POST, person=person)

    def perform(self, person, form):
        services.share_with_partner(
            actor=self.actor,
            person=person,
            partner=form.cleaned_data["partner"],
            reason=form.cleaned_data["reason"],
        )


def withdrawal_confirmation(consent, withdrawn_on, back_url) -> Confirmation:
    """What withdrawing a consent does, said before it is done."""
    shares = consent.shares.active().count()
    consequences = [
        f"Le consentement « {consent.get_purpose_display()} » recueilli le {consent.given_on:%d/%m/%Y} "
        f"est retiré à compter du {withdrawn_on:%d/%m/%Y} : cela ne peut pas être défait ; "
        "un nouveau consentement devra être "
        "recueilli et enregistré si la personne le donne à nouveau.",
    ]
    if consent.purpose == ConsentPurpose.PSP_REQUEST:
        consequences.append(
            "Sans ce consentement, une demande de parcours de sortie ne peut plus être transmise "
            "au secrétariat."
        )
    if shares:
        consequences.append(
            f"{shares} partage(s) en cours avec {consent.partner} prend(nent) fin "
            "et sont signalé(s) au secrétariat, "
            "qui demandera au partenaire d'effacer ce qu'il a reçu."
        )
    return Confirmation(
        title="Retirer ce consentement",
        consequences=consequences,
        button="Oui, retirer le consentement",
        back_url=back_url,
    )


class ConsentWithdrawView(ActorRequiredMixin, View):
    permission = "people.consent"

    def post(self, request, pk):
        consent = get_object_or_404(Consent.objects.select_related("person"), public_id=pk)
        person = get_person_or_404(self.actor, consent.person.public_id, detail="retrait de consentement")
        form = WithdrawConsentForm(request.POST)
        back = reverse("people:detail", args=[person.public_id]) + "#consentements"
        if form.is_valid() and not is_confirmed(request):
            try:
                services.check_withdrawal(consent, form.cleaned_data["withdrawn_on"])
            except ValidationError:
                pass  # refused below by the service, with the same message
            else:
                return confirmation_page(
                    request, withdrawal_confirmation(consent, form.cleaned_data["withdrawn_on"], back)
                )
        if form.is_valid():
            try:
                services.withdraw_consent(
                    actor=self.actor, consent=consent, withdrawn_on=form.cleaned_data["withdrawn_on"]
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                flagged = consent.shares.filter(flagged_after_withdrawal=True).count()
                msg = "Consentement retiré."
                if flagged:
                    msg += f" {flagged} partage(s) antérieur(s) signalé(s) : le secrétariat est prévenu."
                messages.success(request, msg)
        else:
            messages.error(
                request,
                "Rien n'a été enregistré : " + " ".join(e for errs in form.errors.values() for e in errs),
            )
        return redirect(reverse("people:detail", args=[person.public_id]) + "#consentements")


class ShareEndView(ActorRequiredMixin, View):
    permission = "people.share"

    def post(self, request, pk):
        share = get_object_or_404(Share.objects.select_related("person"), public_id=pk)
        person = get_person_or_404(self.actor, share.person.public_id, detail="fin de partage")
        services.end_share(actor=self.actor, share=share)
        messages.success(request, "Partage terminé.")
        return redirect(reverse("people:detail", args=[person.public_id]) + "#consentements")


class DuplicateListView(ActorRequiredMixin, TemplateView):
    """The secretariat's list of probable duplicates (same birth name and birth date): the way to a merge."""

    permission = "people.merge"
    template_name = "people/duplicate_list.html"

    def get_context_data(self, **kwargs):
        groups = merge.probable_duplicates(self.actor)
        note_list(self.actor, [p for group in groups for p in group], detail="doublons probables")
        return {"nav": "people", "groups": groups}


class MergeView(ActorRequiredMixin, TemplateView):
    """Confirmation page of a merge (what will be moved, or why it is refused), then the merge itself."""

    permission = "people.merge"
    template_name = "people/merge_confirm.html"

    def get_people(self):
        scope = people_visible_to(self.actor).select_related("organisation", "departement")
        kept = read_person_data(self.actor, scope, self.kwargs["kept"], detail="fusion de fiches")
        other = read_person_data(self.actor, scope, self.kwargs["other"], detail="fusion de fiches")
        return kept, other

    def get_context_data(self, **kwargs):
        kept, other = self.get_people()
        return {
            "nav": "people",
            "plan": merge.merge_plan(self.actor, kept, other),
            "swap_url": reverse("people:merge", kwargs={"kept": other.public_id, "other": kept.public_id}),
        }

    def post(self, request, *args, **kwargs):
        kept, other = self.get_people()
        try:
            merge.merge_people(actor=self.actor, kept=kept, other=other)
        except ValidationError as exc:
            messages.error(request, "Rien n'a été fusionné : " + " ".join(exc.messages))
            return redirect(request.path)
        messages.success(
            request,
            f"Fiches fusionnées : {other.pseudonym} est rattachée à {kept.pseudonym}, dont l'historique "
            "regroupe désormais les deux.",
        )
        return redirect("people:detail", pk=kept.public_id)


__all__ = ["ConsentPurpose"]
