"""The secretariat's outbox page: e-mails of the département, their status, a retry button (POST)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from parcours.core import audit
from parcours.core.views_base import ActorRequiredMixin, paginate

from . import services
from .models import OutgoingEmail


class OutboxListView(ActorRequiredMixin, View):
    permission = "outbox.manage"

    def get(self, request):
        page = paginate(request, OutgoingEmail.objects.filter(departement=self.actor.departement))
        audit.record_many(self.actor, "view", list(page), detail="liste des courriels")
        return render(request, "outbox/list.html", {"page": page, "nav": "outbox"})


class RetryView(ActorRequiredMixin, View):
    permission = "outbox.manage"
    http_method_names = ["post"]

    def post(self, request, pk):
        email = OutgoingEmail.objects.filter(departement=self.actor.departement, public_id=pk).first()
        if email is None:
            raise Http404
        try:
            services.retry(actor=self.actor, email=email)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Le courriel est remis en file d'envoi.")
        return redirect("outbox:list")
