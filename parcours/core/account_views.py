"""One's own account: change one's password, reset it by an e-mail link, set the first one from the link
received at creation. Django's auth views where they fit; every change journaled (services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.generic import FormView

from . import services
from .forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from .tokens import account_setup_tokens, password_reset_tokens


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/form_page.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("home")
    extra_context = {
        "title": "Changer mon mot de passe",
        "intro": "Saisissez votre mot de passe actuel, puis le nouveau (12 caractères au moins, ni courant, "
        "ni entièrement numérique, ni proche de votre nom). Vos autres sessions seront fermées.",
        "submit_label": "Changer le mot de passe",
        "back_url": reverse_lazy("home"),
    }

    def form_valid(self, form):
        services.set_password(user=self.request.user, form=form, detail="changé par son titulaire")
        update_session_auth_hash(self.request, form.user)  # this session stays open, the others end
        messages.success(self.request, "Votre mot de passe a été changé.")
        return redirect(self.success_url)


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whether the address has an account or not (no enumeration)."""

    template_name = "core/form_page.html"
    form_class = PasswordResetForm
    success_url = reverse_lazy("core:password_reset_sent")
    extra_context = {
        "title": "Mot de passe oublié",
        "intro": "Saisissez l'adresse électronique de votre compte : si elle correspond à un compte actif, "
        "vous recevrez un lien pour choisir un nouveau mot de passe.",
        "submit_label": "Recevoir le lien",
        "back_url": reverse_lazy("login"),
    }

    def form_valid(self, form):
        form.save()
        return redirect(self.success_url)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "core/password_reset_sent.html"


class PasswordLinkView(FormView):
    """The page a password link opens (account creation or reset): valid and unexpired, it sets the
    password (with the validators) and the link stops working; otherwise a French page, status 404."""

    template_name = "core/form_page.html"
    form_class = SetPasswordForm
    token_generator = password_reset_tokens
    detail = "réinitialisé par lien"
    title = "Choisir un nouveau mot de passe"

    def dispatch(self, request, *args, **kwargs):
        self.target = self._user(kwargs["uidb64"])
        if self.target is None or not self.token_generator.check_token(self.target, kwargs["token"]):
            return render(request, "core/password_link_invalid.html", status=404)
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def _user(uidb64: str):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(force_str(urlsafe_base64_decode(uidb64)))
            return model.objects.filter(pk=pk, is_active=True).first()
        except (TypeError, ValueError, OverflowError, ValidationError):
            return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.target}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.title,
            intro=f"Compte {self.target.username}. 12 caractères au moins, ni courant, ni entièrement "
            "numérique, ni proche de votre nom. Vous seul le connaîtrez.",
            submit_label="Enregistrer le mot de passe",
            **kwargs,
        )

    def form_valid(self, form):
        services.set_password(user=self.target, form=form, detail=self.detail)
        messages.success(self.request, "Votre mot de passe est enregistré : vous pouvez vous connecter.")
        return redirect("login")


class AccountSetupView(PasswordLinkView):
    token_generator = account_setup_tokens
    detail = "choisi à la création du compte"
    title = "Choisir mon mot de passe"
