"""Every write of the national store (docs/national.md): a département's national-audience indicator set,
computed here (`publish_local`) or received from a departmental instance (`ingest`, `pull`), validated whole
and stored atomically; API tokens issued and revoked.

One path for both origins: the local figures are serialised to the same JSON a departmental instance sends
(parcours.stats.indicator_export.as_json) and go through the same validation, so nothing reaches the store
that the import would refuse.
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date

from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.models import AuditAction, Departement, Membership
from parcours.core.roles import Role
from parcours.diagnostic.rules import secrecy_threshold
from parcours.stats import indicator_export, registry
from parcours.stats import rules as stats_rules
from parcours.stats.publication import Audience
from parcours.stats.registry import UNITS

from . import policies
from .models import ApiToken, Figure, Origin, Release, TokenKind, hash_token
from .regions import DEPARTEMENTS

FORMAT = indicator_export.FORMAT
# Beyond this many problems the message says how many more there are, rather than listing them all.
MAX_PROBLEMS_LISTED = 30
# A département's export is a few hundred kilobytes; anything much larger is not one.
MAX_IMPORT_BYTES = 20 * 1024 * 1024
# Figure.value: 20 digits, 4 after the point.
MAX_ABS_VALUE = Decimal("1e16")


class NationalImportError(ValueError):
    """A file refused whole: `problems` lists every reason, in French."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(self.message)

    @property
    def message(self) -> str:
        shown = self.problems[:MAX_PROBLEMS_LISTED]
        more = len(self.problems) - len(shown)
        lines = ["Fichier refusé, rien n'a été enregistré :", *(f"- {p}" for p in shown)]
        if more:
            lines.append(f"- … et {more} autre(s) problème(s).")
        return "\n".join(lines)


@dataclass
class IngestResult:
    release: Release
    status: str  # "created", "replaced" or "unchanged"

    @property
    def message(self) -> str:
        r = self.release
        where = f"{r.departement_code} — {r.departement_name}, {r.year}"
        if self.status == "unchanged":
            return f"{where} : fichier identique à celui déjà reçu, rien n'a changé."
        verb = "enregistrée" if self.status == "created" else "remplacée"
        return f"{where} : publication {verb} ({r.figures.count()} chiffres)."


def known_departement(code: str) -> bool:
    """A département of the COG, or one of this instance (the demonstration's fictitious 99)."""
    return code in DEPARTEMENTS or (len(code) <= 3 and Departement.objects.filter(code=code).exists())


# --- Validation -------------------------------------------------------------------------------------------


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_cell(
    cell, where: str, *, measure, unit: str, available: bool, threshold: int, problems: list[str]
):
    if not isinstance(cell, dict):
        problems.append(f"{where} : une case doit être un objet {{value, secret}}.")
        return
    if "value" not in cell or "secret" not in cell:
        problems.append(f"{where} : une case doit avoir « value » et « secret ».")
        return
    value, secret = cell["value"], cell["secret"]
    if not isinstance(secret, bool):
        problems.append(f"{where} : « secret » doit valoir true ou false.")
        return
    if value is None:
        return
    if not _is_number(value):
        problems.append(f"{where} : « value » doit être un nombre ou null.")
        return
    if secret:
        problems.append(f"{where} : une case secrète ne doit pas porter de valeur (value doit être null).")
        return
    if not available:
        problems.append(f"{where} : un indicateur non disponible ne doit porter aucune valeur.")
        return
    if abs(Decimal(str(value))) >= MAX_ABS_VALUE:
        problems.append(f"{where} : valeur hors limites.")
        return
    if unit == "count":
        # A sum of hours of training (a measure the registry says counts no person) may be 7.5; anything
        # else counted is a whole number.
        whole = measure is None or measure.about_people
        if value < 0 or (whole and not float(value).is_integer()):
            problems.append(f"{where} : un comptage doit être un entier positif ou nul (reçu : {value}).")
            return
        if measure is not None and measure.about_people and 1 <= value < threshold:
            problems.append(
                f"{where} : {int(value)} n'est pas marqué secret alors qu'il compte moins de {threshold} "
                "personnes (secret statistique)."
            )


def _check_indicator(item, index: int, *, threshold: int, seen: set[str], problems: list[str]):
    where = f"indicators[{index}]"
    if not isinstance(item, dict):
        problems.append(f"{where} : un indicateur doit être un objet.")
        return
    code = item.get("code")
    if not isinstance(code, str) or not code or len(code) > 100:
        problems.append(f"{where} : « code » manquant ou invalide.")
        return
    where = f"{where} ({code})"
    if code in seen:
        problems.append(f"{where} : indicateur présent deux fois.")
    seen.add(code)
    try:
        measure = registry.get(code)
    except KeyError:
        measure = None  # an indicator this instance does not know yet: kept, never offered as a choice
    if measure is not None and measure.secretariat_only:
        problems.append(f"{where} : indicateur réservé au secrétariat, jamais publié hors de son écran.")
    label = item.get("label")
    if not isinstance(label, str) or not label or len(label) > 300:
        problems.append(f"{where} : « label » manquant ou trop long.")
    unit = item.get("unit")
    if unit not in UNITS:
        problems.append(f"{where} : unité inconnue « {unit} » (attendu : {', '.join(UNITS)}).")
        return
    if measure is not None and measure.unit != unit:
        problems.append(f"{where} : unité « {unit} », le référentiel dit « {measure.unit} ».")
    available = item.get("available")
    if not isinstance(available, bool):
        problems.append(f"{where} : « available » doit valoir true ou false.")
        return
    common = {"measure": measure, "unit": unit, "available": available, "threshold": threshold}
    _check_cell(item.get("total"), f"{where}, total", problems=problems, **common)
    breakdowns = item.get("breakdowns", {})
    if not isinstance(breakdowns, dict):
        problems.append(f"{where} : « breakdowns » doit être un objet (ventilation → cases).")
        return
    for by, cells in breakdowns.items():
        if not by or len(by) > 50:
            problems.append(f"{where} : nom de ventilation invalide.")
            continue
        if measure is not None and by not in measure.breakdowns:
            problems.append(f"{where} : ventilation « {by} » non prévue par le référentiel.")
        if not isinstance(cells, list):
            problems.append(f"{where}, {by} : une ventilation est une liste de cases.")
            continue
        for position, cell in enumerate(cells):
            cell_where = f"{where}, {by}[{position}]"
            if not isinstance(cell, dict) or not isinstance(cell.get("label"), str) or not cell["label"]:
                problems.append(f"{cell_where} : une case de ventilation doit avoir un « label ».")
                continue
            if len(cell["label"]) > 200:
                problems.append(f"{cell_where} : « label » trop long.")
                continue
            _check_cell(cell, cell_where, problems=problems, **common)


def validate(payload, *, today: date) -> list[str]:
    """Every reason to refuse `payload` (a parsed JSON document), in French; empty when it may be stored."""
    if not isinstance(payload, dict):
        return ["Le document doit être un objet JSON (celui de « manage.py indicators --format json »)."]
    problems: list[str] = []
    if payload.get("format") != FORMAT:
        problems.append(f"Format « {payload.get('format')} » : attendu « {FORMAT} ».")
    if payload.get("audience") != str(Audience.NATIONAL):
        problems.append(
            f"Public « {payload.get('audience')} » : seul un export pour le public national "
            "(--audience national) peut être importé."
        )
    dep = payload.get("departement")
    if (
        not isinstance(dep, dict)
        or not isinstance(dep.get("code"), str)
        or not known_departement(dep["code"])
    ):
        code = dep.get("code") if isinstance(dep, dict) else None
        problems.append(f"Département « {code} » inconnu du code officiel géographique.")
    elif not isinstance(dep.get("name"), str) or not dep["name"] or len(dep["name"]) > 100:
        problems.append("Nom du département manquant.")
    year = payload.get("year")
    if (
        not isinstance(year, int)
        or isinstance(year, bool)
        or not stats_rules.FIRST_YEAR <= year <= today.year
    ):
        problems.append(f"Année « {year} » : attendu une année de {stats_rules.FIRST_YEAR} à {today.year}.")
    period = payload.get("period")
    start = parse_date(period.get("start") or "") if isinstance(period, dict) else None
    end = parse_date(period.get("end") or "") if isinstance(period, dict) else None
    if start is None or end is None or start > end:
        problems.append("Période manquante ou invalide (attendu : start ≤ end, dates AAAA-MM-JJ).")
    local = secrecy_threshold(today)
    declared = payload.get("secrecy_threshold")
    if not isinstance(declared, int) or isinstance(declared, bool) or declared < local:
        problems.append(
            f"Seuil du secret statistique « {declared} » : attendu un entier au moins égal à {local}."
        )
    threshold = (
        max(local, declared) if isinstance(declared, int) and not isinstance(declared, bool) else local
    )
    indicators = payload.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        problems.append("« indicators » doit être une liste non vide.")
    else:
        seen: set[str] = set()
        for index, item in enumerate(indicators):
            _check_indicator(item, index, threshold=threshold, seen=seen, problems=problems)
    return problems


# --- Storing ----------------------------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.0001"))


def _figures(payload: dict) -> list[Figure]:
    figures = []
    for item in payload["indicators"]:
        head = {"indicator": item["code"], "label": item["label"], "unit": item["unit"]}
        available = item["available"]
        cells = [("", "Total", item["total"])] + [
            (by, cell["label"], cell) for by, cells in item.get("breakdowns", {}).items() for cell in cells
        ]
        for by, label, cell in cells:
            figures.append(
                Figure(
                    position=len(figures),
                    breakdown=by,
                    cell_label=label,
                    value=_decimal(cell["value"]),
                    secret=cell["secret"],
                    available=available,
                    **head,
                )
            )
    return figures


def parse(raw: bytes) -> dict:
    if len(raw) > MAX_IMPORT_BYTES:
        raise NationalImportError([f"Fichier trop volumineux (plus de {MAX_IMPORT_BYTES // 1_000_000} Mo)."])
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise NationalImportError(["Le fichier n'est pas encodé en UTF-8."]) from None
    except json.JSONDecodeError as error:
        raise NationalImportError(
            [f"Le fichier n'est pas du JSON valide (ligne {error.lineno}, colonne {error.colno})."]
        ) from None


def ingest(*, raw: bytes, origin: str, today: date, actor=None) -> IngestResult:
    """Validate the whole document, then create or replace its (département, year) release in one
    transaction. The same bytes twice: nothing changes (status « unchanged »)."""
    payload = parse(raw)
    problems = validate(payload, today=today)
    if problems:
        raise NationalImportError(problems)
    digest = hashlib.sha256(raw).hexdigest()
    code, year = payload["departement"]["code"], payload["year"]
    with transaction.atomic():
        release = Release.objects.select_for_update().filter(departement_code=code, year=year).first()
        if release is not None and release.sha256 == digest:
            return IngestResult(release, "unchanged")
        status = "created" if release is None else "replaced"
        if release is None:
            release = Release(departement_code=code, year=year)
        else:
            release.figures.all().delete()
        release.departement_name = payload["departement"]["name"]
        release.period_start = parse_date(payload["period"]["start"])
        release.period_end = parse_date(payload["period"]["end"])
        release.secrecy_threshold = payload["secrecy_threshold"]
        release.received_at = timezone.now()
        release.origin = origin
        release.sha256 = digest
        release.save()
        figures = _figures(payload)
        for figure in figures:
            figure.release = release
        Figure.objects.bulk_create(figures)
        audit.record(
            actor,
            AuditAction.CREATE if status == "created" else AuditAction.UPDATE,
            release,
            detail=f"publication nationale {code} {year} ({Origin(origin).label.lower()})",
        )
    return IngestResult(release, status)


def publish_local(*, departement: Departement, year: int, today: date, actor=None) -> IngestResult:
    """This instance's own figures for one département-year, as the national audience receives them."""
    return publish_local_many(departements=[departement], year=year, today=today, actor=actor)[0]


def publish_local_many(*, departements: list[Departement], year: int, today: date, actor=None) -> list:
    """publish_local for several départements, their figures computed in one pass (build_many)."""
    results = indicator_export.build_many(
        departements=departements,
        year=year,
        audience=Audience.NATIONAL,
        today=today,
        threshold=secrecy_threshold(today),
    )
    # The bytes `manage.py indicators --audience national --format json` prints (and the export API sends).
    return [
        ingest(
            raw=(indicator_export.as_json(result) + "\n").encode("utf-8"),
            origin=Origin.LOCAL,
            today=today,
            actor=actor,
        )
        for result in results
    ]


def publish_past_years(*, departement: Departement, since: int, today: date) -> list[IngestResult]:
    """Every full year from `since` to last year (the demonstration: so that the analyst sees figures)."""
    first = max(since, stats_rules.FIRST_YEAR)
    return [publish_local(departement=departement, year=y, today=today) for y in range(first, today.year)]


def pull(*, url: str, token: str) -> bytes:
    """A departmental instance's export (GET {url}, its /api/v1/export/{year}/), with the token it issued
    to this national instance. Network and HTTP errors come back as a French message."""
    if not url.startswith(("https://", "http://")):
        raise NationalImportError([f"Adresse « {url} » : attendu une adresse http:// ou https://."])
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, headers={"Authorization": f"Token {token}", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.PARCOURS_NATIONAL_PULL_TIMEOUT) as response:  # noqa: S310
            return response.read(MAX_IMPORT_BYTES + 1)
    except urllib.error.HTTPError as error:
        reason = {401: "jeton absent ou inconnu", 403: "jeton refusé"}.get(error.code, "")
        raise NationalImportError(
            [f"L'instance départementale a répondu {error.code}{' : ' + reason if reason else ''}."]
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise NationalImportError([f"Instance départementale injoignable : {error}."]) from None


# --- API tokens -------------------------------------------------------------------------------------------


class TokenError(ValueError):
    """A token refused (issue or revocation): the French message says why; nothing was written."""


def issue_token(
    *,
    actor: Actor | None = None,
    kind: str,
    name: str,
    membership: Membership | None = None,
    departement: Departement | None = None,
) -> tuple[ApiToken, str]:
    """A new token and its clear value, which is shown once and never stored (nor journaled: the audit event
    names the token by its opaque id).

    `actor`: who issues it from the tokens page, held to policies.py (its département, the kinds its role
    manages, never its own account); None for `manage.py issue_api_token`, run by the instance's operator."""
    name = (name or "").strip()
    if not name:
        raise TokenError("Dites qui détient le jeton (son nom ou celui de l'instance).")
    if kind == TokenKind.NATIONAL_READ:
        if membership is None or membership.role != Role.NATIONAL_ANALYST or not membership.active:
            raise TokenError(
                "Un jeton de lecture nationale est délivré à un compte actif d'analyste national."
            )
        if actor is not None and not policies.may_issue_to(actor, membership):
            raise TokenError(
                "Vous ne pouvez pas délivrer de jeton à ce compte : un jeton se délivre à un analyste "
                "national de votre département, jamais à son propre compte."
            )
        departement = None
    elif kind == TokenKind.EXPORT:
        if departement is None:
            raise TokenError("Un jeton d'export est délivré pour un département de cette instance.")
        if actor is not None and (
            kind not in policies.token_kinds(actor) or departement.pk != actor.departement.pk
        ):
            raise TokenError("Vous ne pouvez délivrer un jeton d'export que pour votre département.")
        membership = None
    else:
        raise TokenError(f"Type de jeton inconnu : « {kind} ».")
    # Never a leading « - »: the key is typed after `--token` on a command line (import_national), where
    # argparse would take it for an option.
    key = "-"
    while key.startswith("-"):
        key = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            kind=kind,
            name=name[:200],
            prefix=key[:8],
            key_hash=hash_token(key),
            membership=membership,
            departement=departement,
            issued_by=actor.user if actor else None,
        )
        audit.record(
            actor,
            AuditAction.CREATE,
            token,
            detail=f"jeton d'API délivré : {token.get_kind_display()}",
            departement=departement or (membership.organisation.departement if membership else None),
        )
    return token, key


def revoke_token(*, actor: Actor | None = None, token: ApiToken) -> ApiToken:
    """The token stops working at once (the API looks tokens up among the unrevoked). Already revoked:
    refused, nothing changes. `actor` as for issue_token."""
    if actor is not None and not policies.is_own(actor, token):
        raise TokenError("Ce jeton n'est pas de ceux que vous gérez.")
    with transaction.atomic():
        now = timezone.now()
        # One conditional UPDATE: of two revocations at once, one changes the row and the other is refused.
        if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now, updated_at=now
        ):
            token.refresh_from_db(fields=["revoked_at"])
            when = timezone.localtime(token.revoked_at).strftime("%d/%m/%Y à %H:%M")
            raise TokenError(f"Ce jeton est déjà révoqué (le {when}) : rien n'a changé.")
        token.revoked_at = token.updated_at = now
        audit.record(
            actor,
            AuditAction.UPDATE,
            token,
            detail="jeton d'API révoqué",
            departement=token.departement
            or (token.membership.organisation.departement if token.membership_id else None),
        )
    return token
