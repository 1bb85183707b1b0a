"""Writes of the diagnostic territorial: campaigns, structures, invitations, answers and key lists.

Every function validates first and raises ValidationError with a French message; nothing is changed then.
Nothing here logs or stores a name: key lists arrive as keys only (see `parse_key_payload`).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from parcours.core import audit, crypto
from parcours.core.access import Actor
from parcours.core.models import Organisation
from parcours.outbox import services as outbox

from . import questionnaire, rules
from .linkage import AGE_BANDS
from .models import (
    AgeBand,
    Campaign,
    CampaignState,
    FrozenReport,
    Invitation,
    KeyList,
    KeyListAction,
    KeyListChannel,
    KeyListEvent,
    LinkageRecord,
    LinkageSnapshot,
    Participant,
    ReportState,
    Sex,
)

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,29}$")
CODE_HELP = "Le code ne peut contenir que des lettres majuscules, des chiffres et des tirets (3 à 30)."


# --- Invitation links -------------------------------------------------------------------------------
#
# A link is a credential: whoever holds it answers for the structure. Its token (256 random bits) is shown
# once, in the e-mail that carries it (or on the secretariat's screen when it issues one by hand); the
# database keeps only its SHA-256. It expires with the campaign (rules.invitation_expiry) and is replaced by
# the next one issued for the structure. See docs/diagnostic.md.

TOKEN_BYTES = 32


class LinkState:
    VALID = "valid"
    UNKNOWN = "unknown"
    REPLACED = "replaced"
    EXPIRED = "expired"


@dataclass(frozen=True)
class LinkCheck:
    state: str
    invitation: Invitation | None = None

    @property
    def valid(self) -> bool:
        return self.state == LinkState.VALID


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_url(token: str) -> str:
    path = reverse("diagnostic:invitation", args=[token])
    return settings.PARCOURS_PUBLIC_URL.rstrip("/") + path


def invitation_state(invitation: Invitation | None) -> str:
    if invitation is None:
        return LinkState.UNKNOWN
    if invitation.replaced_at is not None:
        return LinkState.REPLACED
    if timezone.now() >= rules.invitation_expiry(invitation.participant.campaign.deadline):
        return LinkState.EXPIRED
    return LinkState.VALID


def check_token(token: str) -> LinkCheck:
    """What a link's token opens, without writing anything."""
    if not token or len(token) > 200:
        return LinkCheck(LinkState.UNKNOWN)
    invitation = (
        Invitation.objects.filter(token_hash=token_hash(token))
        .select_related("participant__campaign__departement", "participant__organisation")
        .first()
    )
    return LinkCheck(invitation_state(invitation), invitation)


def issue_invitation(participant: Participant, *, user=None) -> tuple[str, Invitation]:
    """A new link for the structure, replacing its live one; returns the clear token (never stored)."""
    participant.invitations.filter(replaced_at=None).update(replaced_at=timezone.now())
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation = Invitation.objects.create(
        participant=participant, token_hash=token_hash(token), issued_by=user
    )
    return token, invitation


# --- Campaigns --------------------------------------------------------------------------------------


def _check_dates(period_start: date, period_end: date, deadline: date, today: date) -> None:
    errors = {}
    if period_start > period_end:
        errors["period_end"] = "La fin de la période observée précède son début."
    if deadline < today:
        errors["deadline"] = "La date limite de réponse est déjà passée."
    if errors:
        raise ValidationError(errors)


def _check_code(departement, code: str, *, exclude: Campaign | None = None) -> None:
    if not CODE_RE.match(code):
        raise ValidationError({"code": CODE_HELP})
    taken = Campaign.objects.filter(departement=departement, code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError({"code": "Une campagne porte déjà ce code dans le département."})


def default_code(departement, period_end: date) -> str:
    base = f"DIAG-{departement.code}-{period_end.year}"
    code, n = base, 2
    while Campaign.objects.filter(departement=departement, code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


@transaction.atomic
def create_campaign(
    actor: Actor,
    *,
    title: str,
    period_start: date,
    period_end: date,
    deadline: date,
    message: str = "",
    code: str = "",
    today: date,
) -> Campaign:
    _check_dates(period_start, period_end, deadline, today)
    code = (code or "").strip().upper() or default_code(actor.departement, period_end)
    _check_code(actor.departement, code)
    campaign = Campaign.objects.create(
        departement=actor.departement,
        code=code,
        title=title.strip(),
        period_start=period_start,
        period_end=period_end,
        deadline=deadline,
        message=message.strip(),
        created_by=actor.user,
    )
    audit.record(actor, "create", campaign)
    return campaign


@transaction.atomic
def update_campaign(actor: Actor, campaign: Campaign, *, today: date, **fields) -> Campaign:
    """The title, message and deadline may change while the campaign runs; the code and the period are
    fixed once it is open (they enter the keys and the ages)."""
    if campaign.state == CampaignState.CLOSED:
        raise ValidationError("Une campagne close ne se modifie plus.")
    if campaign.state == CampaignState.OPEN:
        fixed = {"code", "period_start", "period_end"} & {
            name for name, value in fields.items() if value != getattr(campaign, name)
        }
        if fixed:
            raise ValidationError(
                "Le code et la période ne changent plus une fois la campagne ouverte : "
                "les structures ont calculé leurs clés avec eux."
            )
    dates = {
        name: fields.get(name, getattr(campaign, name)) for name in ("period_start", "period_end", "deadline")
    }
    if any(value != getattr(campaign, name) for name, value in dates.items()):
        _check_dates(dates["period_start"], dates["period_end"], dates["deadline"], today)
    if campaign.state == CampaignState.DRAFT and fields.get("code", campaign.code) != campaign.code:
        _check_code(campaign.departement, fields["code"], exclude=campaign)
    for name, value in fields.items():
        setattr(campaign, name, value.strip() if isinstance(value, str) else value)
    campaign.save()
    audit.record(actor, "update", campaign)
    return campaign


def _add(actor: Actor, campaign: Campaign, **fields) -> Participant:
    if campaign.state == CampaignState.CLOSED:
        raise ValidationError("La campagne est close : on n'y ajoute plus de structure.")
    try:
        with transaction.atomic():
            participant = Participant.objects.create(campaign=campaign, **fields)
    except IntegrityError as error:
        raise ValidationError(f"« {fields['name']} » est déjà dans la campagne.") from error
    audit.record(actor, "create", participant)
    if campaign.state == CampaignState.OPEN:
        send_invitation(participant)
    return participant


@transaction.atomic
def add_organisations(actor: Actor, campaign: Campaign, organisations) -> list[Participant]:
    added = []
    already = set(campaign.participants.exclude(organisation=None).values_list("organisation_id", flat=True))
    for organisation in organisations:
        if organisation.departement_id != campaign.departement_id:
            raise ValidationError("Cette organisation n'est pas du département.")
        if organisation.pk in already:
            continue
        added.append(
            _add(actor, campaign, organisation=organisation, name=organisation.name, email=organisation.email)
        )
    return added


@transaction.atomic
def add_structure(actor: Actor, campaign: Campaign, *, name: str, email: str = "") -> Participant:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Indiquez le nom de la structure."})
    if Organisation.objects.filter(departement=campaign.departement, name__iexact=name).exists():
        raise ValidationError(
            {
                "name": "Cette structure a un compte dans Parcours : "
                "choisissez-la dans la liste des organisations."
            }
        )
    return _add(actor, campaign, name=name, email=(email or "").strip())


@transaction.atomic
def update_contact(actor: Actor, participant: Participant, *, email: str) -> Participant:
    participant.email = (email or "").strip()
    participant.save(update_fields=["email", "updated_at"])
    audit.record(actor, "update", participant, detail="courriel de contact")
    if participant.campaign.state == CampaignState.OPEN and participant.invited_at is None:
        send_invitation(participant)
    return participant


@transaction.atomic
def remove_participant(actor: Actor, participant: Participant) -> None:
    if participant.has_answered or hasattr(participant, "key_list"):
        raise ValidationError(
            "Cette structure a déjà répondu : sa réponse compte, elle reste dans la campagne."
        )
    if participant.campaign.state == CampaignState.CLOSED:
        raise ValidationError("La campagne est close.")
    audit.record(actor, "update", participant.campaign, detail="structure retirée")
    participant.delete()


def _invitation_body(participant: Participant, url: str, *, reminder: bool) -> str:
    campaign = participant.campaign
    lines = [
        "Bonjour,",
        "",
        (
            "Nous n'avons pas encore reçu votre réponse au diagnostic territorial de la commission "
            "départementale de lutte contre la prostitution, le proxénétisme et la traite des êtres humains."
            if reminder
            else "La commission départementale de lutte contre la prostitution, le proxénétisme et la traite "
            "des êtres humains établit le diagnostic territorial du département. Votre structure est invitée "
            "à y contribuer."
        ),
        "",
        f"Campagne : {campaign.title} (code {campaign.code})",
        f"Période observée : du {campaign.period_start:%d/%m/%Y} au {campaign.period_end:%d/%m/%Y}",
        f"Réponse attendue avant le {campaign.deadline:%d/%m/%Y}.",
        "",
        "Le questionnaire ne demande que des nombres, jamais de nom. Si vous le pouvez, vous pourrez aussi "
        "transmettre la liste des personnes que vous connaissez sous forme de clés pseudonymes, calculées "
        "dans votre navigateur : les noms ne quittent pas votre poste. La phrase secrète de la campagne vous "
        "est communiquée séparément par le secrétariat de la commission.",
        "",
        f"Pour répondre : {url}",
        "Ce lien est propre à votre structure : ne le transférez qu'aux personnes qui répondront pour elle. "
        f"Il est valable jusqu'au {last_valid_day(campaign):%d/%m/%Y} inclus et remplace tout lien reçu "
        "auparavant pour cette campagne.",
    ]
    if campaign.message:
        lines += ["", campaign.message]
    lines += ["", "Le secrétariat de la commission"]
    return "\n".join(lines)


def last_valid_day(campaign: Campaign) -> date:
    return rules.invitation_expiry(campaign.deadline).date() - timedelta(days=1)


def _queue_invitation(participant: Participant, *, user=None, reminder: bool = False, today=None) -> None:
    """Issue a new link (replacing the live one) and queue the e-mail that carries it."""
    token, invitation = issue_invitation(participant, user=user)
    campaign = participant.campaign
    key = (
        f"diagnostic-reminder:{participant.public_id}:{today.isoformat()}"
        if reminder
        else f"diagnostic-invitation:{invitation.public_id}"
    )
    outbox.queue_email(
        departement=campaign.departement,
        idempotency_key=key,
        to=participant.email,
        subject=(
            f"Relance — diagnostic territorial — {campaign.title}"
            if reminder
            else f"Diagnostic territorial — {campaign.title}"
        ),
        body=_invitation_body(participant, invitation_url(token), reminder=reminder),
        related=participant,
    )


def send_invitation(participant: Participant) -> bool:
    """Queue the invitation e-mail with a new link; False when the structure has no e-mail."""
    if not participant.email:
        return False
    _queue_invitation(participant)
    if participant.invited_at is None:
        participant.invited_at = timezone.now()
        participant.save(update_fields=["invited_at", "updated_at"])
    return True


@transaction.atomic
def open_campaign(actor: Actor, campaign: Campaign, *, today: date) -> int:
    """Open the campaign and invite every structure that has an e-mail; returns the number invited."""
    if campaign.state != CampaignState.DRAFT:
        raise ValidationError("La campagne n'est pas en préparation.")
    participants = list(campaign.participants.all())
    if not participants:
        raise ValidationError("Ajoutez au moins une structure avant d'ouvrir la campagne.")
    if (campaign.deadline - today).days < rules.MIN_DAYS_TO_ANSWER:
        raise ValidationError(
            f"Laissez au moins {rules.MIN_DAYS_TO_ANSWER} jours aux structures pour répondre : "
            "reportez la date limite."
        )
    if campaign.phrase_generated_at is None:
        raise ValidationError(
            "Générez la phrase secrète de la campagne avant de l'ouvrir, et communiquez-la aux structures "
            "hors de Parcours."
        )
    campaign.state = CampaignState.OPEN
    campaign.opened_at = timezone.now()
    campaign.save(update_fields=["state", "opened_at", "updated_at"])
    audit.record(actor, "transition", campaign, detail="ouverture")
    return sum(send_invitation(p) for p in participants)


@transaction.atomic
def record_phrase_generated(actor: Actor, campaign: Campaign) -> None:
    """The secretariat's browser generated the campaign's secret phrase: record when and by whom, never the
    phrase (the browser does not send it). Before opening only: afterwards the structures compute their keys
    with the phrase already given, and a new one would split every person known before and after."""
    if campaign.state != CampaignState.DRAFT:
        raise ValidationError(
            "La phrase secrète ne peut plus être changée : la campagne est ouverte, les structures calculent "
            "leurs clés avec la phrase déjà communiquée."
        )
    campaign.phrase_generated_at = timezone.now()
    campaign.phrase_generated_by = actor.user
    campaign.save(update_fields=["phrase_generated_at", "phrase_generated_by", "updated_at"])
    audit.record(
        actor, "update", campaign, detail="phrase secrète générée dans le navigateur (non transmise)"
    )


@transaction.atomic
def remind(actor: Actor, campaign: Campaign, *, today: date) -> int:
    """Remind every structure that has not answered (at most once a day each); returns how many."""
    if campaign.state != CampaignState.OPEN:
        raise ValidationError("Seule une campagne ouverte peut faire l'objet d'une relance.")
    count = 0
    now = timezone.now()
    for participant in campaign.participants.filter(answered_at=None).exclude(email=""):
        if participant.reminded_at and timezone.localdate(participant.reminded_at) == today:
            continue
        _queue_invitation(participant, user=actor.user, reminder=True, today=today)
        participant.reminded_at = now
        participant.reminder_count += 1
        participant.invited_at = participant.invited_at or now
        participant.save(update_fields=["reminded_at", "reminder_count", "invited_at", "updated_at"])
        count += 1
    audit.record(actor, "update", campaign, detail=f"relance de {count} structure(s)")
    return count


@transaction.atomic
def reissue_invitation(actor: Actor, participant: Participant) -> str:
    """The secretariat issues a new link for one structure: the previous one stops working at once. The new
    link is e-mailed to the structure when it has an address; the clear token is returned to be shown once
    to the secretariat (never stored)."""
    campaign = participant.campaign
    if campaign.departement_id != actor.departement.pk:
        raise PermissionDenied
    if campaign.state != CampaignState.OPEN:
        raise ValidationError(
            "Les liens d'invitation s'émettent quand la campagne est ouverte "
            "(pas avant, ni après sa clôture)."
        )
    if participant.email:
        _queue_invitation(participant, user=actor.user)
        token = None
    else:
        token, _ = issue_invitation(participant, user=actor.user)
    if participant.invited_at is None:
        participant.invited_at = timezone.now()
        participant.save(update_fields=["invited_at", "updated_at"])
    audit.record(actor, "update", participant, detail="nouveau lien d'invitation")
    return token or ""


@transaction.atomic
def close_campaign(actor: Actor, campaign: Campaign) -> Campaign:
    if campaign.state != CampaignState.OPEN:
        raise ValidationError("Seule une campagne ouverte peut être close.")
    campaign.state = CampaignState.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["state", "closed_at", "updated_at"])
    freeze_linkage(campaign)
    audit.record(actor, "transition", campaign, detail="clôture — clés de rapprochement effacées")

    # The frozen report (version 1): computed in the background once the closure is committed.
    request_report(actor, campaign, reason="clôture de la campagne")
    return campaign


# --- The frozen report ------------------------------------------------------------------------------


@transaction.atomic
def request_report(actor: Actor, campaign: Campaign, *, reason: str) -> FrozenReport:
    """Compute (again) the frozen report of a closed campaign, in the background (`tasks.compute_report`).

    A failed or abandoned computation is started again under the same version; after a finished one, a new
    version is made (a correction: `reason` says why), and the earlier versions stay as they were."""
    from .tasks import enqueue_report

    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state != CampaignState.CLOSED:
        raise ValidationError("Le rapport figé se calcule à la clôture de la campagne.")
    reason = " ".join((reason or "").split())[:200]
    if not reason:
        raise ValidationError({"reason": "Indiquez pourquoi une nouvelle version du rapport est nécessaire."})
    latest = campaign.reports.order_by("-version").first()
    if latest is not None and latest.state == ReportState.COMPUTING and not latest.stalled:
        raise ValidationError("Le calcul du rapport est déjà en cours.")
    if latest is not None and latest.state in (ReportState.COMPUTING, ReportState.FAILED):
        latest.state, latest.error = ReportState.COMPUTING, ""
        latest.progress_done = latest.progress_total = 0
        latest.save(update_fields=["state", "error", "progress_done", "progress_total", "updated_at"])
        report, detail = latest, f"rapport version {latest.version} : calcul relancé"
    else:
        version = 1 if latest is None else latest.version + 1
        report = FrozenReport.objects.create(
            campaign=campaign, version=version, reason=reason, requested_by=actor.membership
        )
        detail = f"rapport version {version} demandé ({reason})"
    audit.record(actor, "update", campaign, detail=detail)
    transaction.on_commit(lambda: enqueue_report(report))
    return report


@transaction.atomic
def publish_report(actor: Actor, report: FrozenReport) -> FrozenReport:
    """The secretariat publishes a finished version to the prefect and the commission's members."""
    report = FrozenReport.objects.select_for_update().select_related("campaign").get(pk=report.pk)
    if report.campaign.departement_id != actor.departement.pk:
        raise PermissionDenied
    if report.state != ReportState.READY:
        raise ValidationError(
            "Ce rapport est déjà publié."
            if report.state == ReportState.PUBLISHED
            else "Seul un rapport calculé peut être publié."
        )
    newer = report.campaign.reports.filter(version__gt=report.version).exists()
    if newer:
        raise ValidationError("Une version plus récente de ce rapport existe : publiez-la plutôt.")
    report.state = ReportState.PUBLISHED
    report.published_at = timezone.now()
    report.published_by = actor.user
    report.save(update_fields=["state", "published_at", "published_by", "updated_at"])
    audit.record(actor, "transition", report.campaign, detail=f"rapport version {report.version} publié")
    return report


# --- Answers ----------------------------------------------------------------------------------------


def _require_open(participant: Participant) -> None:
    if not participant.campaign.accepts_answers:
        raise ValidationError("La campagne n'est pas ouverte : les réponses ne sont plus acceptées.")


@transaction.atomic
def submit_answers(participant: Participant, figures: dict[str, int | None], *, user=None) -> Participant:
    """Record (or correct) the structure's answers to the questionnaire."""
    _require_open(participant)
    clean: dict[str, int] = {}
    for key in questionnaire.KEYS:
        value = figures.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= questionnaire.MAX_COUNT:
            raise ValidationError({key: "Indiquez un nombre entier positif ou nul."})
        clean[key] = value
    if "total" not in clean:
        raise ValidationError({"total": "Indiquez le nombre de personnes connues (0 si aucune)."})
    problems = questionnaire.problems(clean)
    if problems:
        errors: dict[str, list[str]] = {}
        for key, message in problems:
            errors.setdefault(key, []).append(message)
        raise ValidationError(errors)
    participant.answers = clean
    participant.answered_at = timezone.now()
    participant.answered_by = user if getattr(user, "is_authenticated", False) else None
    participant.save(update_fields=["answers", "answered_at", "answered_by", "updated_at"])
    audit.record(
        None,
        "update",
        participant,
        detail="réponse au questionnaire",
        departement=participant.campaign.departement,
    )
    return participant


# --- Key lists --------------------------------------------------------------------------------------
#
# Format v2 (docs/diagnostic.md, « Le fichier de clés »): a first line `#LK2 lignes_ecartees=<N>` (optionally
# followed by `;<motif>=<n>` counts), then a CSV header `cles,tranche_age,mineur,sexe,en_ligne` where `cles`
# holds the row's LK2 keys separated by spaces. Every key is re-keyed by the server before it is stored.

KEY_RE = re.compile(r"^[0-9a-f]{64}$")
AGE_BAND_BY_LABEL = {label: code for (_, _, label), code in zip(AGE_BANDS, AgeBand.values, strict=True)}
AGE_BAND_INPUT = AGE_BAND_BY_LABEL | {code: code for code in AgeBand.values}
YES = {"oui", "1", "true", "vrai"}
NO = {"non", "0", "false", "faux", ""}
IDENTITY_COLUMNS = {"nom", "prenom", "prénom", "date_naissance", "nom_naissance", "name", "first_name"}
IDENTITY_REFUSAL = (
    "Ce fichier contient des noms ou des dates de naissance : il n'a pas été enregistré. "
    "Les clés doivent être calculées avant l'envoi (sur cette page ou avec parcours-linkage-keys)."
)
PAYLOAD_COLUMNS = ("cles", "tranche_age", "sexe", "en_ligne")
MAGIC = "#LK2"
SET_ASIDE_FIELD = "lignes_ecartees"
REASON_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_REPORTED_LINES = 5
LK1_REFUSAL = (
    "Ce fichier de clés a été calculé avec l'ancien schéma (LK1) : il n'est plus accepté. Recalculez les "
    "clés sur cette page ou avec la version actuelle de parcours-linkage-keys, puis envoyez le nouveau "
    "fichier. Rien n'a été enregistré."
)


@dataclass(frozen=True)
class KeyRecord:
    keys: tuple[str, ...]  # the row's keys as sent (64 hex digits each), in their order
    age_band: str
    sex: str
    online: bool


@dataclass(frozen=True)
class ParsedKeyList:
    records: list[KeyRecord]
    duplicates: int  # rows whose keys are exactly those of an earlier row: dropped
    rows_set_aside: int  # rows of the structure's list that gave no key (counted on its computer)
    reasons: dict[str, int]  # reason -> rows set aside, when the file gives them


def parse_key_payload(text: str) -> ParsedKeyList:
    """See `_parse_key_payload`; a text the CSV reader cannot read (an oversized field...) is refused."""
    try:
        return _parse_key_payload(text)
    except csv.Error as error:
        raise ValidationError("La liste de clés est illisible : rien n'a été enregistré.") from error


def _parse_first_line(line: str) -> tuple[int, dict[str, int]]:
    """`#LK2 lignes_ecartees=3;date_absente=2;ecriture=1` -> (3, {"date_absente": 2, "ecriture": 1})."""
    bad = ValidationError(
        f"La première ligne du fichier de clés doit être « {MAGIC} {SET_ASIDE_FIELD}=<nombre> » : "
        "rien n'a été enregistré."
    )
    rest = line[len(MAGIC) :].strip()
    counts: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in rest.split(";"))):
        name, sep, value = part.partition("=")
        name, value = name.strip().lower(), value.strip()
        if not sep or not REASON_RE.match(name) or not value.isascii() or not value.isdigit():
            raise bad
        if name in counts or int(value) > rules.MAX_SET_ASIDE_ROWS:
            raise bad
        counts[name] = int(value)
    if SET_ASIDE_FIELD not in counts:
        raise bad
    total = counts.pop(SET_ASIDE_FIELD)
    if sum(counts.values()) > total:
        raise ValidationError(
            "Les lignes écartées par motif dépassent le total annoncé en première ligne : "
            "rien n'a été enregistré."
        )
    return total, counts


def _parse_key_payload(text: str) -> ParsedKeyList:
    """Parse a keys file v2 (the output of the browser page or of `parcours-linkage-keys`).

    Refuses the whole file with a French message naming line numbers only (never a line's content);
    refuses a file that carries identity columns without reading further, and an LK1 file.
    """
    text = (text or "").lstrip("\ufeff")
    if not text.strip():
        raise ValidationError("La liste est vide.")
    lines = text.splitlines()
    first_line = lines[0].strip()
    if not first_line.startswith(MAGIC):
        header = {c.strip().lower() for c in re.split(r"[;,]", first_line)}
        if IDENTITY_COLUMNS & header:
            raise ValidationError(IDENTITY_REFUSAL)
        if "cle" in header or first_line.upper().startswith("#LK1"):
            raise ValidationError(LK1_REFUSAL)
        raise ValidationError(
            f"Ce fichier n'est pas un fichier de clés : sa première ligne doit commencer par « {MAGIC} ». "
            "Rien n'a été enregistré."
        )
    rows_set_aside, reasons = _parse_first_line(first_line)
    body = "\n".join(lines[1:])
    header_line = lines[1] if len(lines) > 1 else ""
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    header = [(h or "").strip().lower() for h in next(reader, [])]
    if IDENTITY_COLUMNS & set(header):
        raise ValidationError(IDENTITY_REFUSAL)
    if "cle" in header and "cles" not in header:
        raise ValidationError(LK1_REFUSAL)
    missing = [c for c in PAYLOAD_COLUMNS if c not in header]
    if missing:
        raise ValidationError(f"Colonnes manquantes dans la liste de clés : {', '.join(missing)}.")
    position = {name: header.index(name) for name in PAYLOAD_COLUMNS}
    records: dict[frozenset[str], KeyRecord] = {}
    bad: list[int] = []
    duplicates = 0
    for number, row in enumerate(reader, start=3):  # line 1: #LK2, line 2: the header
        if not any(cell.strip() for cell in row):
            continue
        try:
            keys = tuple(dict.fromkeys(row[position["cles"]].lower().split()))
            band = AGE_BAND_INPUT[row[position["tranche_age"]].strip()]
            sex = row[position["sexe"]].strip()
            online_raw = row[position["en_ligne"]].strip().lower()
        except (IndexError, KeyError):
            bad.append(number)
            continue
        if (
            not keys
            or len(keys) > rules.MAX_KEYS_PER_ROW
            or not all(KEY_RE.match(k) for k in keys)
            or sex not in Sex.values
            or online_raw not in YES | NO
        ):
            bad.append(number)
            continue
        identity = frozenset(keys)
        if identity in records:
            duplicates += 1
            continue
        records[identity] = KeyRecord(keys, band, sex, online_raw in YES)
        if len(records) > rules.MAX_LIST_ROWS:
            raise ValidationError(
                f"La liste dépasse {rules.MAX_LIST_ROWS} personnes : découpez-la ou contactez le secrétariat."
            )
    if bad:
        shown = ", ".join(str(n) for n in bad[:MAX_REPORTED_LINES])
        more = f" (et {len(bad) - MAX_REPORTED_LINES} autres)" if len(bad) > MAX_REPORTED_LINES else ""
        raise ValidationError(f"Lignes illisibles : {shown}{more}. Rien n'a été enregistré.")
    if not records:
        raise ValidationError("La liste ne contient aucune clé.")
    return ParsedKeyList(list(records.values()), duplicates, rows_set_aside, reasons)


# The server's keyed step (docs/adr/0010-cle-serveur-et-effacement-des-cles.md): every uploaded key is
# re-keyed with HMAC-SHA-256 under a key of the campaign derived (HKDF, parcours.core.crypto) from the
# blind-index master key, which is kept outside the database. Truncated to 128 bits as the blind indexes
# are (crypto.BLIND_INDEX_HEX_DIGITS: NIST SP 800-107 rev. 1 §5.3.4; accidental collisions negligible).
SERVER_KEY_LABEL = "diagnostic.linkage.{campaign}"


def server_key(campaign: Campaign) -> bytes:
    """The campaign's own server key: a campaign's stored keys cannot be joined with another's."""
    return crypto.blind_index_key(SERVER_KEY_LABEL.format(campaign=campaign.public_id))


def rekey(key: bytes, uploaded: str) -> str:
    digest = hmac.new(key, uploaded.encode("ascii"), hashlib.sha256).hexdigest()
    return digest[: crypto.BLIND_INDEX_HEX_DIGITS]


def _journal(participant: Participant, action: str, user, key_list: KeyList) -> None:
    """One line of the list's journal (the figures are those of the list sent, replacing or withdrawn)."""
    member = user if getattr(user, "is_authenticated", False) else None
    KeyListEvent.objects.create(
        participant=participant,
        action=action,
        channel=KeyListChannel.ACCOUNT if member else KeyListChannel.LINK,
        by=member,
        rows=key_list.row_count,
        rows_set_aside=key_list.rows_set_aside,
        duplicates=key_list.duplicate_count,
    )


@transaction.atomic
def store_key_list(participant: Participant, payload: str, *, user=None) -> KeyList:
    """Replace the structure's list by the keys of `payload` (re-keyed by the server) and journal it."""
    _require_open(participant)
    parsed = parse_key_payload(payload)
    replaced, _ = KeyList.objects.filter(participant=participant).delete()
    key_list = KeyList.objects.create(
        participant=participant,
        row_count=len(parsed.records),
        duplicate_count=parsed.duplicates,
        rows_set_aside=parsed.rows_set_aside,
        set_aside_reasons=parsed.reasons,
        sent_by=user if getattr(user, "is_authenticated", False) else None,
    )
    campaign = participant.campaign
    key = server_key(campaign)
    LinkageRecord.objects.bulk_create(
        [
            LinkageRecord(
                key_list=key_list,
                campaign=campaign,
                keys=" ".join(rekey(key, k) for k in record.keys),
                age_band=record.age_band,
                sex=record.sex,
                online=record.online,
            )
            for record in parsed.records
        ],
        batch_size=1000,
    )
    _journal(participant, KeyListAction.REPLACED if replaced else KeyListAction.SENT, user, key_list)
    audit.record(
        None,
        "update",
        participant,
        detail=(
            f"liste de clés : {key_list.row_count} personne(s), {key_list.rows_set_aside} ligne(s) écartée(s)"
        ),
        departement=campaign.departement,
    )
    return key_list


@transaction.atomic
def delete_key_list(participant: Participant, *, user=None) -> None:
    _require_open(participant)
    key_list = KeyList.objects.filter(participant=participant).first()
    if key_list is not None:
        _journal(participant, KeyListAction.WITHDRAWN, user, key_list)
        key_list.delete()
        audit.record(
            None,
            "update",
            participant,
            detail="liste de clés retirée",
            departement=participant.campaign.departement,
        )


# --- Closure: the keys are deleted, their counts frozen --------------------------------------------------


def freeze_linkage(campaign: Campaign) -> LinkageSnapshot:
    """Store the campaign's linkage as counts (`LinkageSnapshot`), then delete every per-person key.

    Called by `close_campaign`, in its transaction: after closure `selectors.linkage_summary` reads the
    snapshot and gives the same figures; no key of the campaign remains in the database.
    """
    from .selectors import linkage_summary, snapshot_data  # selectors import services' neighbours

    existing = LinkageSnapshot.objects.filter(campaign=campaign).first()
    if existing is not None:
        return existing
    summary = linkage_summary(campaign)
    snapshot = LinkageSnapshot.objects.create(campaign=campaign, data=snapshot_data(summary))
    LinkageRecord.objects.filter(campaign=campaign).delete()
    return snapshot
