"""The audit journal made tamper-evident (parcours.core.audit_chain, docs/audit.md): events chained once
settled, a signed daily seal kept in the database and in a file outside it, a verifier that names where the
journal was edited, emptied or added to, and an alert when an account opens unusually many files."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from parcours.core import audit
from parcours.core.audit_chain import SEAL_FILE, SETTLE, chain, create_key, seal, verify
from parcours.core.maintenance import suspended_triggers
from parcours.core.models import Alert, AuditEvent, AuditLink, AuditSeal
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealing(settings, tmp_path):
    settings.PARCOURS_AUDIT_SEAL_KEY_FILE = tmp_path / "keys" / "audit_seal_key.pem"
    settings.PARCOURS_AUDIT_SEAL_DIR = tmp_path / "sceaux"
    return tmp_path


@pytest.fixture
def events(actors):
    actor = actors["secretariat"]
    people = PersonFactory.create_batch(4)
    return [audit.record(actor, "view", person) for person in people]


def later(minutes=3):
    return timezone.now() + timedelta(minutes=minutes)


def raw(sql, params=()):
    """A write as the database's owner would make it, the journal's triggers set aside."""
    table = sql.split()[1] if sql.startswith("UPDATE") else sql.split()[2]
    with transaction.atomic(), suspended_triggers(connection, table), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_settled_events_are_chained_once_in_order(events):
    assert chain(timezone.now()).chained == 0  # written just now: not settled yet
    run = chain(later())
    assert run.chained == AuditEvent.objects.count() >= len(events)
    assert chain(later()).chained == 0
    assert list(AuditLink.objects.order_by("position").values_list("event_id", flat=True)) == list(
        AuditEvent.objects.order_by("id").values_list("id", flat=True)
    )
    result = verify(later())
    assert result.ok, result.findings
    assert result.links == run.chained


def test_an_event_committed_after_later_ones_were_chained_is_chained_late_not_lost(events):
    """A transaction that took its event id before others and committed after them (an export, a PDF): its
    event is not settled when the others are chained, then chained late, and the chain still verifies."""
    straggler = events[0]
    moment = straggler.at
    raw("UPDATE core_auditevent SET at = %s WHERE id = %s", [moment + timedelta(minutes=30), straggler.pk])
    first = chain(later())
    assert first.chained >= len(events) - 1 and not AuditLink.objects.filter(event=straggler).exists()
    raw("UPDATE core_auditevent SET at = %s WHERE id = %s", [moment, straggler.pk])
    run = chain(later())
    assert (run.chained, run.late) == (1, 1)
    assert (
        AuditLink.objects.get(event=straggler).position == AuditLink.objects.order_by("-position")[0].position
    )
    assert verify(later()).ok


def test_an_edited_event_is_found_and_named(events):
    chain(later())
    raw("UPDATE core_auditevent SET detail = 'réécrit' WHERE id = %s", [events[2].pk])
    result = verify(later())
    assert not result.ok
    assert any(f"(événement {events[2].pk})" in f for f in result.findings), result.findings
    assert len(result.findings) == 1


def test_a_deleted_event_breaks_the_chain_at_the_next_one(events):
    chain(later())
    raw("DELETE FROM core_auditlink WHERE event_id = %s", [events[1].pk])
    raw("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    result = verify(later())
    assert any(f"(événement {events[2].pk})" in f for f in result.findings), result.findings


def test_an_event_inserted_into_the_past_is_found(events, actors):
    chain(later())
    forged = audit.record(actors["secretariat"], "view", PersonFactory())
    raw("UPDATE core_auditevent SET at = %s WHERE id = %s", [timezone.now() - timedelta(days=30), forged.pk])
    result = verify(later())
    assert f"événement {forged.pk} : inséré hors de la chaîne (jamais chaîné)" in result.findings


def test_links_are_append_only(events):
    chain(later())
    link = AuditLink.objects.first()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AuditLink.objects.filter(pk=link.pk).update(digest="0" * 64)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AuditLink.objects.filter(pk=link.pk).delete()


def test_the_day_is_sealed_signed_and_written_outside_the_database(events, sealing):
    create_key()
    chain(later())
    tomorrow = timezone.localdate() + timedelta(days=1)
    just_after_midnight = (
        timezone.make_aware(timezone.datetime.combine(tomorrow, timezone.datetime.min.time()))
        + SETTLE
        + timedelta(minutes=1)
    )
    assert seal(just_after_midnight) == timezone.localdate()
    assert seal(just_after_midnight) is None  # once a day
    record = AuditSeal.objects.get()
    assert record.position == AuditLink.objects.order_by("-position").first().position
    lines = (sealing / "sceaux" / SEAL_FILE).read_text().splitlines()
    assert json.loads(lines[0])["digest"] == record.digest
    assert verify(later()).ok

    # The whole chain recomputed after an edit (an attacker with the database): the signed seal disagrees.
    raw("UPDATE core_auditevent SET detail = 'réécrit' WHERE id = %s", [events[0].pk])
    raw("DELETE FROM core_auditlink")
    chain(later())
    findings = verify(later()).findings
    assert any("la chaîne ne correspond plus" in f for f in findings), findings

    # A seal rewritten in the database: its signature no longer holds, and the file disagrees.
    raw("UPDATE core_auditseal SET digest = %s", ["f" * 64])
    findings = verify(later()).findings
    assert any("signature invalide" in f for f in findings)
    assert any("absent du fichier des sceaux ou différent" in f for f in findings)


def test_sealing_without_a_key_says_how_to_create_one(sealing):
    with pytest.raises(CommandError, match="seal_audit --create-key"):
        call_command("seal_audit")
    call_command("seal_audit", "--create-key")
    with pytest.raises(CommandError, match="jamais remplacée"):
        call_command("seal_audit", "--create-key")
    call_command("seal_audit")


def test_verify_audit_exits_with_an_error_naming_the_event(events):
    chain(later())
    call_command("verify_audit")
    raw("UPDATE core_auditevent SET detail = 'réécrit' WHERE id = %s", [events[3].pk])
    with pytest.raises(CommandError, match="Journal d'audit altéré"):
        call_command("verify_audit")


def test_an_account_reading_unusually_many_files_raises_one_alert(settings, actors):
    settings.PARCOURS_AUDIT_READS_PER_HOUR = 5
    worker = actors["association_worker"]
    people = PersonFactory.create_batch(8, last_name="Lisette")
    for person in people[:5]:
        audit.record(worker, "view", person)
    assert chain(later()).alerts == 0  # five: at the threshold, not above
    for person in people[5:]:
        audit.record(worker, "view", person)
    assert chain(later()).alerts == 1
    alert = Alert.objects.get(kind=Alert.Kind.READS_ANOMALY)
    assert alert.departement == worker.departement
    assert f"« {worker.user.username} » a ouvert 8 dossiers" in alert.message
    assert "Lisette" not in alert.message and "LISETTE" not in alert.message
    audit.record(worker, "view", people[0])
    assert chain(later()).alerts == 0  # one alert per account and hour
