"""The server side of LK2 linkage: keys re-keyed under a server key kept outside the database, records linked
under the agreement rules, the keys deleted at closure (the figures stay), and the journal of the lists."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from parcours.core.roles import Role
from parcours.diagnostic import selectors, services
from parcours.diagnostic.models import KeyList, KeyListEvent, LinkageRecord, LinkageSnapshot

from ..factories import (
    CampaignFactory,
    ParticipantFactory,
    fake_key,
    give_key_list,
    key_payload,
    make_actor,
    stored_key,
)
from .test_report import mixed_payload, three_list_campaign

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


# --- The server key ---------------------------------------------------------------------------------


def test_stored_keys_are_re_keyed_per_campaign_and_depend_on_the_master_key(settings):
    first, second = CampaignFactory(), CampaignFactory()
    for campaign in (first, second):
        give_key_list(ParticipantFactory(campaign=campaign), [("a", "b")])
    stored = dict(LinkageRecord.objects.values_list("campaign_id", "keys"))
    # Nothing a structure could compute (it knows fake_key) is in the database...
    assert all(fake_key(x) not in value for value in stored.values() for x in "ab")
    # ...and the same uploaded key gives unrelated values in two campaigns (no join across campaigns).
    assert stored[first.pk] != stored[second.pk]
    assert stored[first.pk] == f"{stored_key(first, 'a')} {stored_key(first, 'b')}"
    # The value depends on the master key, which lives outside the database.
    settings.PARCOURS_BLIND_INDEX_KEY = "une-autre-cle-maitresse-fictive-pour-le-test"
    assert stored_key(first, "a") != stored[first.pk].split()[0]


# --- Linkage under the agreement rules ----------------------------------------------------------------


def test_rows_sharing_any_key_are_one_person_across_lists():
    campaign = CampaignFactory()
    a, b = (ParticipantFactory(campaign=campaign, name=n) for n in ("A", "B"))
    # One person written two ways: the two rows share one key out of three.
    give_key_list(a, [("dupont-full", "dupont-year"), "alone-a"])
    give_key_list(b, [("dupond-full", "dupont-year"), "alone-b"])
    summary = selectors.linkage_summary(campaign)
    assert summary.records == 4
    assert summary.distinct == 3
    assert summary.on_several == 1
    assert dict(summary.histories) == {(True, True): 1, (True, False): 1, (False, True): 1}


def test_two_rows_of_one_list_or_of_known_different_sexes_are_never_merged():
    campaign = CampaignFactory()
    a, b, c = (ParticipantFactory(campaign=campaign, name=n) for n in ("A", "B", "C"))
    # Two rows of A sharing a key (twins with the same names and year, say): two people.
    give_key_list(a, [("twin-1", "shared-year"), ("twin-2", "shared-year")], sex="2")
    give_key_list(b, [("other", "man-key")], sex="1")
    assert selectors.linkage_summary(campaign).distinct == 3
    # A woman's row sharing a key with B's man is another person; an unknown sex (9) never conflicts.
    services.store_key_list(c, mixed_payload(([("man-key",)], {"sex": "2"}), ([("twin-1",)], {"sex": "9"})))
    summary = selectors.linkage_summary(campaign)
    assert summary.distinct == 4
    assert [(x.code, y.code, n) for x, y, n in summary.pairs] == [
        ("L1", "L2", 0),
        ("L1", "L3", 1),
        ("L2", "L3", 0),
    ]
    assert summary.breakdowns["sex"] == {"Homme": 1, "Femme": 3, "Autre ou non renseigné": 0}


def test_rows_set_aside_and_strata_are_summed_over_the_lists(departement):
    campaign = three_list_campaign(departement)
    l1 = campaign.participants.get(name="Association Zéphyr fictive")
    services.store_key_list(
        l1, key_payload([f"p{i}" for i in range(40)], set_aside=7).replace("=7", "=7;date_absente=7")
    )
    summary = selectors.linkage_summary(campaign)
    assert summary.rows_set_aside == 7
    assert next(info for info in summary.lists if info.code == "L1").set_aside_reasons == {"date_absente": 7}
    assert sum(n for histories in summary.strata.values() for _, n in histories) == summary.distinct
    minors = dict(summary.strata[("lt18", "2")])
    assert minors == {(False, False, True): 6}


def test_the_linkage_screen_shows_each_lists_rows_set_aside_by_reason(departement, clients):
    from .test_report import row_of

    campaign = three_list_campaign(departement)
    l1 = campaign.participants.get(name="Association Zéphyr fictive")
    services.store_key_list(
        l1,
        key_payload([f"p{i}" for i in range(40)], set_aside=3).replace(
            "=3", "=3;date_absente=2;ecriture_non_prise_en_charge=1"
        ),
    )
    page = clients[Role.SECRETARIAT].get(reverse("diagnostic:linkage", args=[campaign.public_id]))
    page = page.content.decode()
    assert row_of(page, "lists", "L1").endswith(
        "Association Zéphyr fictive 40 0 3 (date de naissance absente : 2 ; écriture non prise en charge : 1)"
    )
    assert row_of(page, "lists", "L2").endswith("0 0")
    assert 'data-testid="rows-set-aside">3<' in page


# --- Closure ----------------------------------------------------------------------------------------


def _figures(summary):
    return (
        [(i.code, i.participant.pk, i.rows, i.duplicates, i.rows_set_aside) for i in summary.lists],
        summary.distinct,
        summary.records,
        sorted(summary.histories),
        [(a.code, b.code, n) for a, b, n in summary.pairs],
        summary.on_several,
        summary.breakdowns,
        sorted(summary.memberships),
        summary.rows_set_aside,
        summary.strata,
        summary.cells,
    )


def test_closure_deletes_every_key_of_the_campaign_and_keeps_its_figures(departement, clients, actors):
    campaign = three_list_campaign(departement)
    other = CampaignFactory(departement=departement)
    give_key_list(ParticipantFactory(campaign=other), ["p1"])
    before = selectors.linkage_summary(campaign)
    page_before = text(
        clients[Role.SECRETARIAT].get(reverse("diagnostic:linkage", args=[campaign.public_id]))
    )

    services.close_campaign(actors[Role.SECRETARIAT], campaign)

    assert not LinkageRecord.objects.filter(campaign=campaign).exists()
    assert LinkageRecord.objects.filter(campaign=other).count() == 1  # another campaign is untouched
    snapshot = LinkageSnapshot.objects.get(campaign=campaign)
    frozen = str(snapshot.data)
    assert fake_key("p1") not in frozen and stored_key(campaign, "p1") not in frozen
    after = selectors.linkage_summary(campaign)
    assert after.frozen and not before.frozen
    assert _figures(after) == _figures(before)
    assert selectors.estimate(after).result.estimate == selectors.estimate(before).result.estimate
    page_after = text(clients[Role.SECRETARIAT].get(reverse("diagnostic:linkage", args=[campaign.public_id])))
    assert "les clés de rapprochement ont été effacées à la clôture" in page_after
    for testid in ("linkage-figures", "overlap-matrix", "histories", "lists", "estimate-sentence"):
        section = re.compile(rf'data-testid="{testid}".*?</(ul|table|p)>', re.S)
        assert section.search(page_before).group(0) == section.search(page_after).group(0), testid
    assert "<strong>116</strong>" in page_after and "<strong>85</strong>" in page_after
    # The lists' figures stay on the campaign's pages.
    assert KeyList.objects.filter(participant__campaign=campaign).count() == 3


def test_freezing_twice_keeps_the_first_snapshot(departement):
    campaign = three_list_campaign(departement)
    first = services.freeze_linkage(campaign)
    assert services.freeze_linkage(campaign).pk == first.pk
    assert LinkageSnapshot.objects.filter(campaign=campaign).count() == 1


# --- Journal ----------------------------------------------------------------------------------------


def test_each_send_replacement_and_withdrawal_is_journaled_and_shown_to_the_secretariat(
    departement, clients, actors
):
    campaign = CampaignFactory(departement=departement)
    participant = ParticipantFactory(campaign=campaign, name="Accueil fictif")
    member = make_actor(Role.ASSOCIATION_WORKER, departement=departement)
    services.store_key_list(participant, key_payload(["a", "b", "c"], set_aside=2))
    services.store_key_list(participant, key_payload(["a", "b", "b"], set_aside=1), user=member.user)
    services.delete_key_list(participant)
    events = list(KeyListEvent.objects.filter(participant=participant).order_by("created_at", "id"))
    assert [(e.action, e.channel, e.by, e.rows, e.rows_set_aside, e.duplicates) for e in events] == [
        ("sent", "link", None, 3, 2, 0),
        ("replaced", "account", member.user, 2, 1, 1),
        ("withdrawn", "link", None, 2, 1, 1),
    ]
    secretariat = clients[Role.SECRETARIAT]
    for url in (
        reverse("diagnostic:participant", args=[campaign.public_id, participant.public_id]),
        reverse("diagnostic:campaign", args=[campaign.public_id]),
    ):
        page = text(secretariat.get(url))
        assert 'data-testid="list-journal"' in page
        assert "Liste envoyée" in page and "Liste remplacée" in page and "Liste retirée" in page
        assert "par le lien d'invitation de la structure" in page
        assert "par un membre de l'organisation" in page


def test_the_structure_does_not_see_the_journal(client, departement):
    from ..factories import open_invitation

    participant = ParticipantFactory(campaign=CampaignFactory(departement=departement))
    give_key_list(participant, ["a"])
    open_invitation(client, participant)
    page = text(client.get(reverse("diagnostic:key_list")))
    assert "Journal des listes de clés" not in page and "list-journal" not in page


# --- Upgrade from LK1 -------------------------------------------------------------------------------

BEFORE = [("diagnostic", "0003_lk2_keys_snapshot_journal")]
AFTER = [("diagnostic", "0005_lk1_key_column_removed")]


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_freezes_closed_campaigns_and_drops_the_lk1_lists_of_the_others():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        departement = old.get_model("core", "Departement").objects.create(code="96", name="Migration LK2")
        user = old.get_model("core", "User").objects.create(username="migration-lk2-fictif")
        Campaign = old.get_model("diagnostic", "Campaign")
        Participant = old.get_model("diagnostic", "Participant")
        KeyListOld = old.get_model("diagnostic", "KeyList")
        Record = old.get_model("diagnostic", "LinkageRecord")
        dates = {
            "period_start": date(2025, 1, 1),
            "period_end": date(2025, 12, 31),
            "deadline": date(2026, 2, 1),
        }
        closed = Campaign.objects.create(
            departement=departement, code="LK1-CLOSE", title="Close", state="closed", created_by=user, **dates
        )
        running = Campaign.objects.create(
            departement=departement, code="LK1-OPEN", title="Ouverte", state="open", created_by=user, **dates
        )
        for campaign in (closed, running):
            for name, people in (("A", ["x", "y"]), ("B", ["y", "z", "w"])):
                participant = Participant.objects.create(campaign=campaign, name=name)
                key_list = KeyListOld.objects.create(
                    participant=participant, scheme="LK1", row_count=len(people)
                )
                for person in people:
                    Record.objects.create(
                        key_list=key_list,
                        campaign=campaign,
                        key=fake_key(person),
                        age_band="25_34",
                        sex="2",
                        online=person == "y",
                    )
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        assert (
            not new.get_model("diagnostic", "LinkageRecord")
            .objects.filter(campaign__departement_id=departement.pk)
            .exists()
        )
        snapshot = new.get_model("diagnostic", "LinkageSnapshot").objects.get(campaign_id=closed.pk)
        assert sorted(map(tuple, snapshot.data["cells"])) == [
            ("01", "25_34", "2", False, 2),
            ("10", "25_34", "2", False, 1),
            ("11", "25_34", "2", True, 1),
        ]
        assert [entry["rows"] for entry in snapshot.data["lists"]] == [2, 3]
        key_lists = new.get_model("diagnostic", "KeyList").objects
        assert key_lists.filter(participant__campaign_id=closed.pk).count() == 2
        assert not key_lists.filter(participant__campaign_id=running.pk).exists()
        events = new.get_model("diagnostic", "KeyListEvent").objects.filter(
            participant__campaign_id=running.pk
        )
        assert sorted(events.values_list("action", "channel", "rows")) == [
            ("withdrawn", "upgrade", 2),
            ("withdrawn", "upgrade", 3),
        ]
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
        # What `migrate` does after its migrations: SQLite's triggers lost with a rebuilt table put back.
        emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
        from parcours.core.models import Departement
        from parcours.diagnostic.models import Campaign as CampaignNow

        CampaignNow.objects.filter(departement__code="96").delete()
        Departement.objects.filter(code="96").delete()


def test_the_live_linkage_is_computed_once_until_a_list_changes(monkeypatch):
    campaign = CampaignFactory()
    a, b = (ParticipantFactory(campaign=campaign, name=n) for n in ("A", "B"))
    give_key_list(a, [("k1", "y1"), "alone-a"])
    give_key_list(b, [("k1", "y1")])
    calls = []
    real_link = selectors.linkage.link
    monkeypatch.setattr(
        selectors.linkage, "link", lambda *args, **kw: calls.append(1) or real_link(*args, **kw)
    )
    assert selectors.linkage_summary(campaign).distinct == 2
    assert selectors.linkage_summary(campaign).distinct == 2
    assert len(calls) == 1  # the second page read the cells from the cache
    # B sends its list again, without the shared person: a new fingerprint, a new linkage.
    give_key_list(b, ["alone-b"])
    assert selectors.linkage_summary(campaign).distinct == 3
    assert len(calls) == 2


def test_the_estimate_is_made_once_for_the_same_capture_histories(departement, monkeypatch):
    campaign = three_list_campaign(departement)
    calls = []
    real = selectors.estimate_memberships
    monkeypatch.setattr(selectors, "estimate_memberships", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = selectors.estimate(selectors.linkage_summary(campaign))
    second = selectors.estimate(selectors.linkage_summary(campaign))
    assert len(calls) == 1
    assert (first.ok, first.error) == (second.ok, second.error)
    if first.ok:
        assert first.result.estimate == second.result.estimate
