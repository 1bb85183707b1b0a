"""The audit journal made tamper-evident: a hash chain over the events, a signed daily seal kept outside the
database, a verifier that says where the journal was changed, and the alert on unusual reads (docs/audit.md,
« Journal chaîné et scellé »).

The events are written by every request at full speed (parcours.core.audit), without a lock; `chain()` links
them afterwards, each minute (`manage.py seal_audit`, cron): every event older than SETTLE gets one link whose
digest is SHA-256(previous digest ‖ the event's canonical text). An event whose transaction committed late
(its id lower than events already chained) is chained late, in the order met, never skipped. Once a day the
chain's last digest is signed with an Ed25519 key the database never holds and appended, with its signature,
to a file outside the database (PARCOURS_AUDIT_SEAL_DIR) as well as to `AuditSeal`.

What an attacker with the database (even its owner role, triggers switched off) can no longer do unseen:
edit an event (its link no longer matches), delete one (the next link no longer matches), insert one into
the past (not chained, or a chain recomputed from there no longer matches the signed seals), rewrite the
whole chain (the seals' signatures and the seal file disagree).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from .models import Alert, AuditAction, AuditAnchor, AuditEvent, AuditLink, AuditSeal, User

GENESIS = "0" * 64
# An event is chained once this old: the transactions of a request or a task that wrote it have committed.
# One that commits later still is chained late (LATE_WINDOW), never lost. Operational choice.
SETTLE = timedelta(minutes=2)
# How far back `chain()` looks for events committed after later ones were chained. Older unchained events are
# reported by `verify()` as inserted outside the chain.
LATE_WINDOW = timedelta(days=1)
BATCH = 2000
SEAL_FILE = "sceaux.jsonl"
PUBLIC_KEY_FILE = "cle-publique-sceaux.pem"
ADVISORY_LOCK = 0x50415243  # "PARC": one chainer at a time on PostgreSQL


class SealKeyMissing(Exception):
    """No signing key: the message says, in French, how to create one."""


def canonical(event: AuditEvent) -> bytes:
    """Every column of the event, in one fixed text (UTC time to the microsecond)."""
    at = event.at.astimezone(UTC).isoformat(timespec="microseconds")
    parts = (
        event.pk,
        at,
        event.departement_id,
        event.user_id,
        event.role,
        event.organisation_id,
        event.action,
        event.object_type,
        event.object_id,
        event.detail,
    )
    return "\x1f".join("" if p is None else str(p) for p in parts).encode()


def link_digest(previous: str, event: AuditEvent) -> str:
    return hashlib.sha256(previous.encode() + b"\x1e" + canonical(event)).hexdigest()


# --- Signing key ---------------------------------------------------------------------------------------


def key_path() -> Path:
    return Path(settings.PARCOURS_AUDIT_SEAL_KEY_FILE)


def create_key() -> Path:
    path = key_path()
    if path.exists():
        raise SealKeyMissing(f"Une clé de scellement existe déjà ({path}) : elle n'est jamais remplacée.")
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(pem)
    path.chmod(0o600)
    return path


def private_key() -> Ed25519PrivateKey:
    path = key_path()
    if not path.exists():
        raise SealKeyMissing(
            f"Aucune clé de scellement ({path}) : créez-la une fois avec `manage.py seal_audit --create-key` "
            "(PARCOURS_AUDIT_SEAL_KEY_FILE), puis gardez-en une copie hors de la base (docs/audit.md)."
        )
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SealKeyMissing(f"{path} n'est pas une clé Ed25519.")
    return key


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(public_pem(key)).hexdigest()[:16]


def seal_message(day: date, position: int, digest: str) -> bytes:
    return f"parcours-audit-seal|{day.isoformat()}|{position}|{digest}".encode()


def seal_dir() -> Path:
    return Path(settings.PARCOURS_AUDIT_SEAL_DIR)


# --- Chaining ------------------------------------------------------------------------------------------


@dataclass
class ChainRun:
    chained: int = 0
    late: int = 0
    alerts: int = 0
    sealed: list[date] = field(default_factory=list)


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])


@transaction.atomic
def chain(now: datetime | None = None) -> ChainRun:
    """Link every settled event not chained yet; alert on unusual reads among them."""
    now = now or timezone.now()
    _lock()
    run = ChainRun()
    last = AuditLink.objects.order_by("-position").first()
    previous = last.digest if last else GENESIS
    highest = AuditLink.objects.aggregate(m=Max("event_id"))["m"] or 0
    cutoff = now - SETTLE
    late = AuditEvent.objects.filter(
        id__lt=highest, at__gte=now - LATE_WINDOW, at__lt=cutoff, link__isnull=True
    ).order_by("id")
    new = AuditEvent.objects.filter(id__gt=highest, at__lt=cutoff).order_by("id")
    reads: list[AuditEvent] = []
    for queryset, is_late in ((late, True), (new, False)):
        links: list[AuditLink] = []
        for event in queryset.iterator(chunk_size=BATCH):
            previous = link_digest(previous, event)
            links.append(AuditLink(event=event, event_at=event.at, digest=previous, chained_at=now))
            if event.action == AuditAction.VIEW and event.object_type == "people.person" and event.user_id:
                reads.append(event)
            if len(links) >= BATCH:
                AuditLink.objects.bulk_create(links)
                run.chained += len(links)
                links = []
        AuditLink.objects.bulk_create(links)
        run.chained += len(links)
        if is_late:
            run.late = run.chained
    run.alerts = _alert_unusual_reads(reads)
    return run


def _alert_unusual_reads(reads: list[AuditEvent]) -> int:
    """An account that opened more than PARCOURS_AUDIT_READS_PER_HOUR people's files within an hour: one
    alert to its département's secretariat per account and hour (the account's login, never a person)."""
    threshold = settings.PARCOURS_AUDIT_READS_PER_HOUR
    if not reads:
        return 0
    latest: dict[int, AuditEvent] = {}
    for event in reads:
        latest[event.user_id] = max(latest.get(event.user_id, event), event, key=lambda e: e.at)
    created = 0
    for user_id, event in latest.items():
        hour = event.at - timedelta(hours=1)
        count = AuditEvent.objects.filter(
            user_id=user_id,
            action=AuditAction.VIEW,
            object_type="people.person",
            at__gt=hour,
            at__lte=event.at,
        ).count()
        if count <= threshold or event.departement_id is None:
            continue
        user = User.objects.get(pk=user_id)
        already = Alert.objects.filter(
            kind=Alert.Kind.READS_ANOMALY,
            object_id=str(user.public_id),
            created_at__gt=event.at - timedelta(hours=1),
        ).exists()
        if already:
            continue
        Alert.objects.create(
            departement_id=event.departement_id,
            kind=Alert.Kind.READS_ANOMALY,
            message=(
                f"Le compte « {user.username} » a ouvert {count} dossiers de personnes en une heure "
                f"(seuil : {threshold}) : vérifiez que ce besoin est réel."
            ),
            object_type="core.user",
            object_id=str(user.public_id),
        )
        created += 1
    return created


# --- Sealing -------------------------------------------------------------------------------------------


@transaction.atomic
def seal(now: datetime | None = None) -> date | None:
    """Seal yesterday (local day) if not sealed yet and its events are all settled: the chain's last digest,
    signed, written to AuditSeal and appended to the seal file. Returns the day sealed, or None."""
    now = now or timezone.now()
    key = private_key()
    _lock()
    today = timezone.localdate(now)
    midnight = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    day = today - timedelta(days=1)
    if now - SETTLE < midnight or AuditSeal.objects.filter(day=day).exists():
        return None
    last = AuditLink.objects.order_by("-position").first()
    position, digest = (last.position, last.digest) if last else (0, GENESIS)
    signature = key.sign(seal_message(day, position, digest)).hex()
    public = key.public_key()
    record = AuditSeal.objects.create(
        day=day, position=position, digest=digest, signature=signature, key_id=key_id(public), sealed_at=now
    )
    directory = seal_dir()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / PUBLIC_KEY_FILE).write_bytes(public_pem(public))
    line = {
        "day": day.isoformat(),
        "position": position,
        "digest": digest,
        "signature": signature,
        "key_id": record.key_id,
    }
    with (directory / SEAL_FILE).open("a") as seals:
        seals.write(json.dumps(line, sort_keys=True) + "\n")
    return day


# --- Verification --------------------------------------------------------------------------------------


@dataclass
class Verification:
    findings: list[str] = field(default_factory=list)
    links: int = 0
    seals: int = 0
    unchained: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings


def _public_key() -> Ed25519PublicKey | None:
    path = seal_dir() / PUBLIC_KEY_FILE
    if path.exists():
        key = serialization.load_pem_public_key(path.read_bytes())
        return key if isinstance(key, Ed25519PublicKey) else None
    return private_key().public_key() if key_path().exists() else None


def _file_seals() -> dict[str, dict]:
    path = seal_dir() / SEAL_FILE
    if not path.exists():
        return {}
    seals = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        try:
            entry = json.loads(line)
            seals[entry["day"]] = entry
        except (ValueError, KeyError):
            seals[f"ligne {number}"] = {}
    return seals


def _verified_anchors(public: Ed25519PublicKey | None, result: Verification) -> dict[int, AuditAnchor]:
    """The purge anchors whose signature holds, by position; each other one is a finding (and not used)."""
    from .audit_purge import anchor_message

    anchors = {}
    for anchor in AuditAnchor.objects.order_by("position"):
        try:
            if public is None:
                raise InvalidSignature
            public.verify(
                bytes.fromhex(anchor.signature),
                anchor_message(anchor.purged_before, anchor.position, anchor.previous_digest),
            )
        except (InvalidSignature, ValueError):
            result.findings.append(
                f"ancre au maillon {anchor.position} : signature invalide (ancre réécrite)"
            )
            continue
        anchors[anchor.position] = anchor
    return anchors


def verify(now: datetime | None = None) -> Verification:
    """Recompute the chain from its first link, check each seal's signature and its digest against the chain
    and against the seal file; list every difference (positions and event ids, never a content)."""
    now = now or timezone.now()
    result = Verification()
    previous = GENESIS
    digests: dict[int, str] = {}
    seal_positions = set(AuditSeal.objects.values_list("position", flat=True))
    public = _public_key()
    anchors = _verified_anchors(public, result)
    purged_until = max((a.purged_before for a in anchors.values()), default=None)
    links = AuditLink.objects.select_related("event").order_by("position")
    first = True
    for link in links.iterator(chunk_size=BATCH):
        result.links += 1
        anchor = anchors.get(link.position)
        if anchor is not None:
            # The chain taken up after a purge (ADR 0017): the predecessor is gone, its digest is signed here.
            if not first and previous != anchor.previous_digest:
                result.findings.append(
                    f"maillon {link.position} : l'ancre de la purge ne suit pas le maillon qui le précède"
                )
            previous = anchor.previous_digest
        first = False
        if link.digest != link_digest(previous, link.event):
            result.findings.append(
                f"maillon {link.position} (événement {link.event_id}) : l'événement a été modifié, "
                "ou un événement chaîné avant lui a été retiré ou réécrit"
            )
        previous = link.digest
        if link.position in seal_positions:
            digests[link.position] = link.digest
    unchained = AuditEvent.objects.filter(link__isnull=True, at__lt=now - LATE_WINDOW).order_by("id")
    result.unchained = unchained.count()
    for event_id in unchained.values_list("id", flat=True)[:50]:
        result.findings.append(f"événement {event_id} : inséré hors de la chaîne (jamais chaîné)")
    file_seals = _file_seals()
    for record in AuditSeal.objects.order_by("day"):
        result.seals += 1
        day = record.day.isoformat()
        if public is None:
            result.findings.append("aucune clé publique de scellement : signatures non vérifiables")
            break
        try:
            public.verify(
                bytes.fromhex(record.signature), seal_message(record.day, record.position, record.digest)
            )
        except (InvalidSignature, ValueError):
            result.findings.append(f"sceau du {day} : signature invalide (sceau réécrit dans la base)")
        purged = (
            purged_until is not None and record.position not in digests and record.day < purged_until.date()
        )
        if record.position and not purged and digests.get(record.position) != record.digest:
            result.findings.append(
                f"sceau du {day} : la chaîne ne correspond plus (journal réécrit avant ce sceau)"
            )
        entry = file_seals.pop(day, None)
        stored = {
            "day": day,
            "position": record.position,
            "digest": record.digest,
            "signature": record.signature,
            "key_id": record.key_id,
        }
        if entry != stored:
            result.findings.append(f"sceau du {day} : absent du fichier des sceaux ou différent")
    for day in sorted(file_seals):
        result.findings.append(f"sceau du {day} : dans le fichier des sceaux mais plus dans la base")
    return result
