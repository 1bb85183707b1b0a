"""The national analyst's pages (docs/national.md): thin views over `selectors` and `maps`, which read only
the store of published figures; and the API tokens' page, where the secretariat and the administrator issue
and revoke the tokens they manage (policies.py)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView, View

from parcours.core.second_factor import StepUpMixin
from parcours.core.views_base import ActorRequiredMixin, Confirmation, confirmation_page, is_confirmed
from parcours.diagnostic.rules import secrecy_threshold
from parcours.stats import cache as stats_cache

from . import maps, policies, selectors, services
from .forms import IndicatorForm, NationalForm, TokenIssueForm
from .models import TokenKind
from .regions import DEPARTEMENTS, REGION_OF
from .services import TokenError

PERMISSION = "stats.national"
DEFAULT_INDICATOR = "pathways.active_at_end"


class _ChoiceMixin(ActorRequiredMixin):
    """Year and indicator from the query string; defaults: the last year received, pathways under way."""

    permission = PERMISSION

    def choice(self):
        years = selectors.years()
        data = self.request.GET.copy()
        if years:
            data.setdefault("annee", str(years[0]))
        codes = [m.code for m in selectors.national_measures()]
        data.setdefault("indicateur", DEFAULT_INDICATOR if DEFAULT_INDICATOR in codes else codes[0])
        form = NationalForm(data, years=years)
        return form, years

    def render_to_response(self, context, **kwargs):
        # A bad choice (unknown indicator, a year not received) is the reader's input: 400 with its message.
        form = context.get("form")
        if form is not None and form.is_bound and not form.is_valid():
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)

    def base_context(self, *, compute: bool = True):
        form, years = self.choice()
        context = {
            "nav": "national_stats",
            # Nothing received yet: no choice to make (the page says how figures arrive).
            "form": form if years else None,
            "years": years,
            "secrecy_threshold": secrecy_threshold(timezone.localdate()),
        }
        if years and form.is_valid():
            year, code = form.cleaned_data["annee"], form.cleaned_data["indicateur"]
            context["choice"] = (year, code)
            if compute:
                context["ranking"] = selectors.ranking(year, code)
                context["measure"] = selectors.measure_or_none(code)
        return context


class RankingView(_ChoiceMixin, TemplateView):
    """One indicator, every département: the ranked table, the map and the sum of the published figures."""

    template_name = "national/ranking.html"

    def get_context_data(self, **kwargs):
        seconds = settings.PARCOURS_STATS_CACHE_SECONDS
        context = self.base_context(compute=not seconds)
        if "ranking" in context:
            context["map"] = maps.build(context["ranking"])
            return context
        if "choice" not in context:
            return context
        # The store changes only by `services.ingest` (a release created or replaced, its time of receipt
        # renewed): its count and last receipt are its version; the page's figures are cached under it.
        key = stats_cache.key("national", selectors.store_version(), *context["choice"])
        body = cache.get(key)
        if body is None:
            ranking = selectors.ranking(*context["choice"])
            body = render_to_string(
                "national/_ranking_body.html",
                {**context, "ranking": ranking, "map": maps.build(ranking)},
                request=self.request,
            )
            cache.set(key, body, seconds)
        context["body"] = mark_safe(body)  # noqa: S308 (our own template's output: published figures only)
        return context


class RegionsView(_ChoiceMixin, TemplateView):
    """One indicator, the 18 regions: each the sum of its départements' published figures."""

    template_name = "national/regions.html"

    def get_context_data(self, **kwargs):
        context = self.base_context()
        if "ranking" in context:
            context["regions"] = selectors.regional(context["ranking"])
        return context


class DepartementView(ActorRequiredMixin, TemplateView):
    """One département's release for one year: an indicator's total and its breakdown tables."""

    permission = PERMISSION
    template_name = "national/departement.html"

    def get(self, request, *args, **kwargs):
        code, year = kwargs["code"].upper()[:3], kwargs["year"]
        release = selectors.release(code, int(year)) if year.isdigit() and len(year) == 4 else None
        if release is None:
            raise Http404("Aucun chiffre reçu de ce département pour cette année.")
        items = selectors.indicators_of(release)
        data = request.GET.copy()
        if items:
            data.setdefault("indicateur", items[0].code)
        form = IndicatorForm(data, choices=[(i.code, i.label) for i in items])
        context = {
            "nav": "national_stats",
            "release": release,
            "name": DEPARTEMENTS.get(code, release.departement_name),
            "region": REGION_OF.get(code),
            "form": form,
        }
        if form.is_valid():
            chosen = next(i for i in items if i.code == form.cleaned_data["indicateur"])
            context["item"] = chosen
            context["measure"] = selectors.measure_or_none(chosen.code)
        return self.render_to_response(context, status=200 if form.is_valid() else 400)


# --- API tokens (policies.py says who manages which) ----------------------------------------------------


TOKENS_PERMISSION = policies.PERMISSION
# The issue form's single-use submission ids (a few: one per open tab), in the session. A form posted twice
# (reload, back button: the browser posts it again) issues nothing the second time.
FORM_IDS_KEY = "parcours_national_token_forms"
FORM_ID_FIELD = "envoi"
FORM_IDS_KEPT = 5
RESUBMITTED = (
    "Ce formulaire a déjà été envoyé : aucun nouveau jeton n'a été délivré, et le jeton délivré ne peut plus "
    "être affiché. S'il n'a pas été copié, révoquez-le ci-dessous et délivrez-en un autre."
)


class TokenListView(ActorRequiredMixin, TemplateView):
    """The tokens the actor manages: holder, kind, prefix (never the key), issued when and by whom, last
    used, active or revoked."""

    permission = TOKENS_PERMISSION
    template_name = "national/token_list.html"

    def get_context_data(self, **kwargs):
        tokens = list(selectors.tokens_visible_to(self.actor))
        return {
            "nav": "api_tokens",
            "rows": [(token, policies.abilities(self.actor, token)) for token in tokens],
            "kinds": policies.token_kinds(self.actor),
            "export_url": self.request.build_absolute_uri(reverse("api:export", kwargs={"year": "AAAA"})),
        }


class TokenIssueView(ActorRequiredMixin, StepUpMixin, TemplateView):
    """The issue form; a valid POST issues the token and answers the page that shows its key, once: in this
    response only (not stored, not in a URL, a session, a log or the journal; never kept by the browser)."""

    permission = TOKENS_PERMISSION
    template_name = "national/token_issue.html"

    def get_form(self, data=None):
        return TokenIssueForm(
            data,
            kinds=policies.token_kinds(self.actor),
            analysts=selectors.analyst_memberships(self.actor),
        )

    def new_form_id(self) -> str:
        form_id = secrets.token_urlsafe(16)
        kept = self.request.session.get(FORM_IDS_KEY, [])[-(FORM_IDS_KEPT - 1) :]
        self.request.session[FORM_IDS_KEY] = [*kept, form_id]
        return form_id

    def render_form(self, form, form_id, status=200):
        return self.render_to_response(
            {"nav": "api_tokens", "form": form, "form_id": form_id, "form_id_field": FORM_ID_FIELD},
            status=status,
        )

    def get(self, request, *args, **kwargs):
        return self.render_form(self.get_form(), self.new_form_id())

    def post(self, request, *args, **kwargs):
        form_id = request.POST.get(FORM_ID_FIELD, "")
        kept = request.session.get(FORM_IDS_KEY, [])
        if form_id not in kept:
            messages.error(request, RESUBMITTED)
            return redirect("national:tokens")
        form = self.get_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                token, key = services.issue_token(
                    actor=self.actor,
                    kind=data["kind"],
                    name=data["name"],
                    membership=data.get("membership"),
                    departement=self.actor.departement if data["kind"] == TokenKind.EXPORT else None,
                )
            except TokenError as error:
                form.add_error(None, str(error))
            else:
                request.session[FORM_IDS_KEY] = [k for k in kept if k != form_id]
                response = self.response_class(
                    request=request,
                    template=["national/token_issued.html"],
                    context={
                        "nav": "api_tokens",
                        "token": token,
                        "key": key,
                        "export_url": request.build_absolute_uri(
                            reverse("api:export", kwargs={"year": "AAAA"})
                        ),
                    },
                )
                response["Cache-Control"] = "no-store"  # as every page (NoStoreMiddleware), said here too
                return response
        return self.render_form(form, form_id, status=400)


class TokenRevokeView(ActorRequiredMixin, StepUpMixin, View):
    """POST only: « Ce qui va se passer », then the token stops working at once. Out of reach: 404."""

    permission = TOKENS_PERMISSION
    http_method_names = ["post"]

    def post(self, request, pk):
        token = selectors.get_token_or_404(self.actor, pk)
        back = reverse("national:tokens") + f"#jeton-{token.public_id}"
        if token.revoked_at is not None:
            messages.error(request, "Ce jeton est déjà révoqué : rien n'a changé.")
            return redirect(back)
        if not is_confirmed(request):
            user = (
                "Le programme qui l'utilise reçoit aussitôt un refus (401) : l'instance nationale ne peut "
                "plus tirer l'export du département avec ce jeton."
                if token.kind == TokenKind.EXPORT
                else "Les outils de l'analyste qui l'utilisent reçoivent aussitôt un refus (401) ; sa "
                "session dans Parcours n'est pas touchée."
            )
            return confirmation_page(
                request,
                Confirmation(
                    title=f"Révoquer le jeton « {token.name} » ({token.prefix}…)",
                    consequences=[
                        "Le jeton cesse de fonctionner immédiatement, définitivement : il ne peut pas être "
                        "réactivé.",
                        user,
                        "Pour rétablir l'accès, délivrez un nouveau jeton et transmettez-le de façon sûre.",
                        "La révocation est inscrite au journal d'audit.",
                    ],
                    button="Révoquer le jeton",
                    back_url=back,
                ),
            )
        try:
            services.revoke_token(actor=self.actor, token=token)
        except TokenError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"Jeton « {token.name} » ({token.prefix}…) révoqué : il ne fonctionne plus."
            )
        return redirect(back)
