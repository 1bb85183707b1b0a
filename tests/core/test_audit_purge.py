"""The audit journal purged past its term by whole months, never by deleting rows of the live journal
(parcours.core.audit_purge, ADR 0017): on PostgreSQL the month's partitions are dropped; the chain is
re-anchored (signed) so that `verify_audit` still passes on what remains and still finds tampering in it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from parcours.core import audit
from parcours.core.audit_chain import chain, create_key, verify
from parcours.core.audit_purge import cutoff_for, purge
from parcours.core.maintenance import suspended_triggers
from parcours.core.models import AuditAnchor, AuditEvent, AuditLink
from parcours.core.partitions import add_months, partition_name
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealing(settings, tmp_path):
    settings.PARCOURS_AUDIT_SEAL_KEY_FILE = tmp_path / "keys" / "audit_seal_key.pem"
    settings.PARCOURS_AUDIT_SEAL_DIR = tmp_path / "sceaux"
    create_key()
    return tmp_path


def test_cutoff_keeps_every_month_not_wholly_past_term():
    # 12 months on 15 March 2027: events before 1 March 2026 are all past term; March 2026 is not wholly.
    assert cutoff_for(date(2027, 3, 15), 12) == datetime(2026, 3, 1, tzinfo=UTC)


def test_a_purge_drops_whole_months_and_the_chain_still_verifies_and_still_finds_tampering(actors, sealing):
    actor = actors["secretariat"]
    now = timezone.now()
    old = [audit.record(actor, "view", person) for person in PersonFactory.create_batch(3)]
    chain(now + timedelta(minutes=3))
    month = now.astimezone(UTC).date().replace(day=1)
    cutoff = datetime.combine(add_months(month, 1), datetime.min.time(), tzinfo=UTC)
    later = cutoff + timedelta(days=3)
    with time_machine.travel(later, tick=False):
        kept = [audit.record(actor, "view", person) for person in PersonFactory.create_batch(3)]
        chain(later + timedelta(minutes=3))
        before = AuditEvent.objects.filter(at__gte=cutoff).count()
        assert verify(later + timedelta(minutes=3)).ok

        dry = purge(cutoff=cutoff, today=later.date(), dry_run=True)
        assert dry.events >= len(old) and AuditEvent.objects.filter(pk=old[0].pk).exists()
        result = purge(cutoff=cutoff, today=later.date())

        assert result.events >= len(old) and result.anchors >= 1
        assert not AuditEvent.objects.filter(at__lt=cutoff).exists()
        assert not AuditLink.objects.filter(event_at__lt=cutoff).exists()
        assert AuditEvent.objects.filter(at__gte=cutoff).count() == before
        assert AuditAnchor.objects.count() == result.anchors
        assert (sealing / "sceaux" / "ancres.jsonl").read_text().count("\n") == result.anchors
        check = verify(later + timedelta(minutes=5))
        assert check.ok, check.findings
        call_command("verify_audit")
        # A second purge finds nothing more.
        assert purge(cutoff=cutoff, today=later.date()).events == 0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass(%s)", [partition_name("core_auditevent", month)])
                assert cursor.fetchone()[0] is None  # the month's partition is gone, dropped whole
                # The registry of ids in use (core/0009) holds exactly the ids still in the journal.
                cursor.execute(
                    "SELECT (SELECT count(*) FROM core_auditevent_ids),"
                    " (SELECT count(*) FROM core_auditevent),"
                    " (SELECT count(*) FROM core_auditevent_ids r WHERE NOT EXISTS"
                    " (SELECT 1 FROM core_auditevent e WHERE e.id = r.id))"
                )
                registered, events, stale = cursor.fetchone()
                assert registered == events and stale == 0
        # The live journal still refuses a DELETE.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [kept[0].pk])
        # Tampering with what remains is still found, and named.
        with transaction.atomic(), suspended_triggers(connection, "core_auditevent"):
            with connection.cursor() as cursor:
                cursor.execute("UPDATE core_auditevent SET detail = 'réécrit' WHERE id = %s", [kept[1].pk])
        findings = verify(later + timedelta(minutes=5)).findings
        assert any(f"événement {kept[1].pk}" in f for f in findings)


def test_a_forged_anchor_is_found(actors, sealing):
    actor = actors["secretariat"]
    audit.record(actor, "view", PersonFactory())
    chain(timezone.now() + timedelta(minutes=3))
    link = AuditLink.objects.order_by("position").first()
    AuditAnchor.objects.create(
        purged_before=timezone.now(),
        position=link.position,
        previous_digest="f" * 64,
        signature="00",
        key_id="x",
    )
    findings = verify(timezone.now() + timedelta(minutes=3)).findings
    assert any("signature invalide" in f for f in findings)
