"""Pages of the second factor: enrolment, verification (at login and step-up), replacement, deactivation."""

from __future__ import annotations

from base64 import b32encode

import segno
from axes.helpers import get_credentials, get_lockout_response
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import View
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import second_factor as sf
from .forms_second_factor import EnrolmentCodeForm, SecondFactorCodeForm
from .views_base import apply_errors


def _lockout(request):
    """The code locked the account out: the half-open session ends, and the lockout page says why."""
    credentials = get_credentials(request.user.get_username())
    logout(request)
    return get_lockout_response(request, None, credentials)


def _check(request, form) -> object | None:
    """The device that accepts the form's code, or None with the error on the form."""
    user = request.user
    device = sf.check_code(actor=sf.account_actor(request, user), user=user, code=form.cleaned_data["code"])
    if device is None:
        form.add_error("code", sf.WRONG_CODE)
    return device


@method_decorator(never_cache, name="dispatch")
class VerifyView(View):
    """After the password (or for a step-up): the code of the app, or a recovery code."""

    template_name = "core/second_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if not sf.has_second_factor(request.user):
            return redirect(sf.enrol_url(sf.safe_next(request)))
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form, status=200):
        context = {
            "form": form,
            "next": sf.safe_next(self.request),
            "step_up": sf.session_state(self.request) == sf.OK,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_page(SecondFactorCodeForm())

    def post(self, request):
        user = request.user
        if sf.is_locked(request, user):
            return _lockout(request)
        form = SecondFactorCodeForm(request.POST)
        if not form.is_valid():
            if form.data.get("code", "").strip() and sf.count_failure(request, user):
                return _lockout(request)
            return self.render_page(form)
        device = _check(request, form)
        if device is None:
            if sf.count_failure(request, user):
                return _lockout(request)
            return self.render_page(form)
        sf.mark_verified(request, device)
        sf.count_success(request, user)
        if isinstance(device, StaticDevice):
            left = sf.recovery_codes_left(user)
            messages.warning(
                request,
                f"Code de secours utilisé : il vous en reste {left}. "
                "Remplacez votre application pour en obtenir de nouveaux s'il en reste peu.",
            )
        return redirect(sf.safe_next(request))


@method_decorator(never_cache, name="dispatch")
class EnrolView(View):
    """Scan the QR code (or type the key), confirm with a code, receive the recovery codes once."""

    template_name = "core/second_factor_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if sf.has_second_factor(request.user):
            return redirect("second_factor")
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form, device: TOTPDevice):
        secret = b32encode(device.bin_key).decode()
        context = {
            "form": form,
            "next": sf.safe_next(self.request),
            "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "required": sf.session_state(self.request) == sf.ENROL,
        }
        return render(self.request, self.template_name, context)

    def get(self, request):
        return self.render_page(EnrolmentCodeForm(), sf.start_enrolment(user=request.user))

    def post(self, request):
        device = sf.start_enrolment(user=request.user)
        form = EnrolmentCodeForm(request.POST)
        if form.is_valid():
            try:
                codes = sf.confirm_enrolment(
                    actor=sf.account_actor(request, request.user),
                    user=request.user,
                    device=device,
                    code=form.cleaned_data["code"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                sf.mark_verified(request, device)
                context = {"codes": codes, "next": sf.safe_next(request)}
                return render(request, "core/second_factor_codes.html", context)
        return self.render_page(form, device)


@method_decorator(never_cache, name="dispatch")
class ManageView(View):
    """The account's second factor: state, recovery codes left, replace the app, switch it off."""

    template_name = "core/second_factor.html"

    def render_page(self, replace_form=None, disable_form=None):
        user = self.request.user
        context = {
            "enrolled": sf.has_second_factor(user),
            "required": sf.is_required(user),
            "codes_left": sf.recovery_codes_left(user),
            "replace_form": replace_form or SecondFactorCodeForm(prefix="remplacer"),
            "disable_form": disable_form or SecondFactorCodeForm(prefix="desactiver"),
        }
        return render(self.request, self.template_name, context)

    def get(self, request):
        return self.render_page()


class _CodeConfirmedAction(View):
    """A POST that needs a current code (the app's or a recovery code), counted by django-axes if wrong."""

    http_method_names = ["post", "options"]
    prefix = ""

    def refused(self, form):
        raise NotImplementedError

    def perform(self, request):
        raise NotImplementedError

    def post(self, request):
        user = request.user
        if not sf.has_second_factor(user):
            return redirect("second_factor")
        if sf.is_locked(request, user):
            return _lockout(request)
        form = SecondFactorCodeForm(request.POST, prefix=self.prefix)
        device = _check(request, form) if form.is_valid() else None
        if device is None:
            if form.data.get(f"{self.prefix}-code", "").strip() and sf.count_failure(request, user):
                return _lockout(request)
            return self.refused(form)
        return self.perform(request)


@method_decorator(never_cache, name="dispatch")
class ReplaceView(_CodeConfirmedAction):
    prefix = "remplacer"

    def refused(self, form):
        return ManageView(request=self.request).render_page(replace_form=form)

    def perform(self, request):
        sf.remove_second_factor(
            actor=sf.account_actor(request, request.user),
            user=request.user,
            reason="second facteur retiré pour être remplacé",
        )
        sf.reset_state(request)
        messages.success(request, "Ancienne application retirée. Enregistrez maintenant la nouvelle.")
        return redirect(sf.enrol_url(reverse("second_factor")))


@method_decorator(never_cache, name="dispatch")
class DisableView(_CodeConfirmedAction):
    prefix = "desactiver"

    def refused(self, form):
        return ManageView(request=self.request).render_page(disable_form=form)

    def post(self, request):
        if sf.is_required(request.user):
            messages.error(
                request,
                "La double authentification est obligatoire pour votre rôle : "
                "vous pouvez remplacer votre application, pas la désactiver.",
            )
            return redirect("second_factor")
        return super().post(request)

    def perform(self, request):
        sf.remove_second_factor(
            actor=sf.account_actor(request, request.user),
            user=request.user,
            reason="second facteur désactivé",
        )
        sf.reset_state(request)
        messages.success(request, "Double authentification désactivée.")
        return redirect("second_factor")
