from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, TemplateView, View

from . import audit, proconnect, selectors, services
from .access import SESSION_KEY
from .forms import (
    ChooseMembershipForm,
    LoginForm,
    MembershipDecisionForm,
    MembershipForm,
    OrganisationForm,
    UserCreateForm,
    UserUpdateForm,
)
from .models import Alert, AuditAction, AuditEvent, Membership, Organisation, OrganisationKind, User
from .second_factor import StepUpMixin
from .views_base import ActorRequiredMixin, paginate, paginate_without_count, sort_param


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(SESSION_KEY, None)
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            proconnect=proconnect.enabled(), help_contact=settings.PARCOURS_HELP_CONTACT, **kwargs
        )


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class ChooseMembershipView(StepUpMixin, FormView):
    """Choosing another membership is a role change: a fresh second factor first (step-up)."""

    template_name = "core/choose_membership.html"
    form_class = ChooseMembershipForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        self.request.session[SESSION_KEY] = str(form.cleaned_data["membership"].public_id)
        target = self.request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            target = reverse("home")
        return redirect(target or reverse("home"))


# --- Administration: organisations, users and memberships of the administrator's département ---


class OrganisationListView(ActorRequiredMixin, TemplateView):
    permission = "admin.manage"
    template_name = "core/organisation_list.html"

    def get_context_data(self, **kwargs):
        sort_key, order = sort_param(self.request, {"nom": "name", "type": "kind"}, "nom")
        qs = Organisation.objects.in_departement(self.actor.departement).annotate(
            n_members=Count("memberships")
        )
        kind = self.request.GET.get("type", "")
        if kind in OrganisationKind.values:  # unknown values (even NUL, fatal to PostgreSQL) are ignored
            qs = qs.filter(kind=kind)
        return {
            "nav": "organisations",
            "page": paginate(self.request, qs.order_by(order)),
            "sort": sort_key,
            "kinds": Organisation._meta.get_field("kind").choices,
            "kind": kind,
        }


class OrganisationFormView(ActorRequiredMixin, FormView):
    permission = "admin.manage"
    template_name = "core/form_page.html"
    form_class = OrganisationForm

    def get_object(self):
        if "pk" in self.kwargs:
            return get_object_or_404(
                Organisation, public_id=self.kwargs["pk"], departement=self.actor.departement
            )
        return None

    def get_form_kwargs(self):
        instance = self.get_object() or Organisation(departement=self.actor.departement)
        return {**super().get_form_kwargs(), "instance": instance}

    def get_context_data(self, **kwargs):
        obj = self.get_object()
        return super().get_context_data(
            nav="organisations",
            title=f"Modifier {obj}" if obj else "Nouvelle organisation",
            back_url=reverse("core:organisations"),
            **kwargs,
        )

    def form_valid(self, form):
        services.save_organisation(actor=self.actor, form=form)
        messages.success(self.request, "Organisation enregistrée.")
        return redirect("core:organisations")


class UserListView(ActorRequiredMixin, TemplateView):
    permission = "admin.manage"
    template_name = "core/user_list.html"

    def get_context_data(self, **kwargs):
        sort_key, order = sort_param(
            self.request, {"nom": "last_name", "identifiant": "username", "actif": "is_active"}, "nom"
        )
        qs = User.objects.filter(memberships__organisation__departement=self.actor.departement).distinct()
        query = self.request.GET.get("q", "").replace("\x00", "").strip()  # PostgreSQL refuses NUL bytes
        if query:
            qs = qs.filter(last_name__icontains=query) | qs.filter(username__icontains=query)
        qs = qs.prefetch_related("memberships__organisation").order_by(order)
        return {"nav": "users", "page": paginate(self.request, qs), "sort": sort_key, "q": query}


class UserCreateView(ActorRequiredMixin, FormView):
    permission = "admin.manage"
    template_name = "core/user_create.html"
    form_class = UserCreateForm

    def get_form(self, form_class=None):
        self.membership_form = MembershipForm(
            self.request.POST or None, departement=self.actor.departement, prefix="m"
        )
        return super().get_form(form_class)

    def get_context_data(self, **kwargs):
        if "form" not in kwargs:
            kwargs["form"] = self.get_form()  # builds self.membership_form too (GET answered 500)
        return super().get_context_data(nav="users", membership_form=self.membership_form, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid() and self.membership_form.is_valid():
            user = services.create_user(actor=self.actor, form=form, membership_form=self.membership_form)
            messages.success(
                request, "Compte créé. Un lien pour choisir son mot de passe a été envoyé à son adresse."
            )
            if user.memberships.filter(pending=True).exists():
                messages.info(request, HELD_MESSAGE)
            return redirect("core:user_detail", pk=user.public_id)
        return self.form_invalid(form)


HELD_MESSAGE = (
    "Ce rôle donne accès aux dossiers des personnes : le rattachement reste inactif jusqu'à sa confirmation "
    "par le secrétariat (par un second administrateur pour le rôle secrétariat)."
)


class UserDetailView(ActorRequiredMixin, FormView):
    permission = "admin.manage"
    template_name = "core/user_detail.html"
    form_class = UserUpdateForm

    def get_user(self):
        return get_object_or_404(
            User.objects.filter(memberships__organisation__departement=self.actor.departement).distinct(),
            public_id=self.kwargs["pk"],
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_user()}

    def get_context_data(self, **kwargs):
        target = self.get_user()
        return super().get_context_data(
            nav="users",
            target=target,
            memberships=target.memberships.select_related("organisation"),
            membership_form=MembershipForm(departement=self.actor.departement, prefix="m"),
            is_self=target == self.actor.user,
            **kwargs,
        )

    def form_valid(self, form):
        services.save_user(actor=self.actor, form=form)
        messages.success(self.request, "Compte modifié.")
        return redirect("core:user_detail", pk=self.kwargs["pk"])


class MembershipAddView(ActorRequiredMixin, StepUpMixin, View):
    permission = "admin.manage"

    def post(self, request, pk):
        target = get_object_or_404(
            User.objects.filter(memberships__organisation__departement=self.actor.departement).distinct(),
            public_id=pk,
        )
        form = MembershipForm(request.POST, departement=self.actor.departement, prefix="m")
        form.instance.user = target
        if form.is_valid():
            try:
                membership = services.add_membership(actor=self.actor, form=form)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    "Demande de rattachement enregistrée." if membership.pending else "Rattachement ajouté.",
                )
                if membership.pending:
                    messages.info(request, HELD_MESSAGE)
        else:
            errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
            messages.error(request, f"Rattachement non ajouté : {errors}")
        return redirect("core:user_detail", pk=pk)


class MembershipToggleView(ActorRequiredMixin, StepUpMixin, View):
    permission = "admin.manage"

    def post(self, request, pk):
        try:
            membership = services.toggle_membership(actor=self.actor, membership_public_id=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            membership = get_object_or_404(
                Membership, public_id=pk, organisation__departement=self.actor.departement
            )
            return redirect("core:user_detail", pk=membership.user.public_id)
        if membership.pending:
            messages.success(request, "Demande de réactivation enregistrée.")
            messages.info(request, HELD_MESSAGE)
        else:
            messages.success(request, f"Rattachement {'réactivé' if membership.active else 'désactivé'}.")
        return redirect("core:user_detail", pk=membership.user.public_id)


class MembershipDecisionView(ActorRequiredMixin, FormView):
    """A held grant: the page says what confirming gives, then the secretariat (or a second administrator,
    for the secretariat role) confirms or refuses. Out of the actor's reach: 404."""

    permission = "memberships.confirm"
    template_name = "core/membership_decision.html"
    form_class = MembershipDecisionForm

    def get_membership(self):
        if not hasattr(self, "_membership"):
            self._membership = selectors.get_membership_to_decide_or_404(self.actor, self.kwargs["pk"])
        return self._membership

    def get(self, request, *args, **kwargs):
        self.get_membership()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_membership()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(nav="home", membership=self.get_membership(), **kwargs)

    def form_valid(self, form):
        confirm = form.cleaned_data["decision"] == "confirm"
        try:
            membership = services.decide_membership(
                actor=self.actor, membership=self.get_membership(), confirm=confirm
            )
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
            return redirect("home")
        messages.success(
            self.request,
            f"Habilitation {'confirmée' if confirm else 'refusée'} : {membership.user} — "
            f"{membership.get_role_display()} ({membership.organisation}).",
        )
        return redirect("home")


# --- Secretariat tools ---


class AuditListView(ActorRequiredMixin, TemplateView):
    permission = "audit.view"
    template_name = "core/audit_list.html"

    def get_context_data(self, **kwargs):
        qs = AuditEvent.objects.filter(departement=self.actor.departement).select_related(
            "user", "organisation"
        )
        action = self.request.GET.get("action", "")
        if action in AuditAction.values:
            qs = qs.filter(action=action)
        object_id = self.request.GET.get("objet", "").replace("\x00", "").strip()  # NUL: PostgreSQL error
        if object_id:
            qs = qs.filter(object_id=object_id)
        audit.record(self.actor, "view", detail="journal d'audit")
        return {
            "nav": "audit",
            # Read by (département, date) index, never counted: the journal grows with every page viewed.
            "page": paginate_without_count(self.request, qs.order_by("-at", "-pk"), per_page=50),
            "actions": AuditEvent._meta.get_field("action").choices,
            "action": action,
            "objet": object_id,
        }


class AlertAcknowledgeView(ActorRequiredMixin, View):
    permission = "alerts.acknowledge"

    def post(self, request, pk):
        alert = get_object_or_404(Alert, public_id=pk, departement=self.actor.departement)
        services.acknowledge_alert(actor=self.actor, alert=alert)
        messages.success(request, "Alerte marquée comme traitée.")
        return redirect("home")


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class HealthView(View):
    """For the load balancer and the monitoring: one query to the database, no authentication, no data.
    200 {"status": "ok"} when the database answers, 503 otherwise (docs/exploitation.md)."""

    http_method_names = ["get", "head"]

    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            return JsonResponse({"status": "unavailable"}, status=503)
        return JsonResponse({"status": "ok"})
