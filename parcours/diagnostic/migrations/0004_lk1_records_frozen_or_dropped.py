"""Upgrade to LK2 (docs/diagnostic.md, « Passage au schéma LK2 »).

- A closed campaign keeps its figures: its LK1 records (one key = one person) are frozen into a
  LinkageSnapshot, as `services.freeze_linkage` does at closure, then deleted.
- A campaign in preparation or open loses its LK1 lists (their keys cannot be linked with LK2 keys): the
  structures send their list again, computed with the LK2 page or `parcours-linkage-keys`. Each dropped list
  is journaled as withdrawn.

Not reversible as to the keys: going back leaves the snapshots and the journal, and no LK1 record.
"""

from collections import Counter

from django.db import migrations


def _pattern(flags):
    return "".join("1" if on else "0" for on in flags)


def freeze_or_drop(apps, schema_editor):
    Campaign = apps.get_model("diagnostic", "Campaign")
    KeyList = apps.get_model("diagnostic", "KeyList")
    KeyListEvent = apps.get_model("diagnostic", "KeyListEvent")
    LinkageRecord = apps.get_model("diagnostic", "LinkageRecord")
    LinkageSnapshot = apps.get_model("diagnostic", "LinkageSnapshot")
    for campaign in Campaign.objects.filter(state="closed"):
        key_lists = list(
            KeyList.objects.filter(participant__campaign=campaign)
            .select_related("participant")
            .order_by("participant__name")
        )
        if LinkageSnapshot.objects.filter(campaign=campaign).exists() or not key_lists:
            continue
        position = {key_list.pk: i for i, key_list in enumerate(key_lists)}
        people = {}
        records = LinkageRecord.objects.filter(campaign=campaign).values_list(
            "key", "key_list_id", "age_band", "sex", "online"
        )
        for key, key_list_id, band, sex, online in records.iterator(chunk_size=2000):
            person = people.setdefault(key, [[False] * len(key_lists), band, sex, False])
            person[0][position[key_list_id]] = True
            person[3] = person[3] or online
        cells = Counter((_pattern(flags), band, sex, online) for flags, band, sex, online in people.values())
        LinkageSnapshot.objects.create(
            campaign=campaign,
            data={
                "version": 1,
                "lists": [
                    {
                        "code": f"L{i}",
                        "participant": key_list.participant_id,
                        "rows": key_list.row_count,
                        "duplicates": key_list.duplicate_count,
                        "rows_set_aside": 0,
                        "reasons": {},
                    }
                    for i, key_list in enumerate(key_lists, start=1)
                ],
                "cells": [[*cell, n] for cell, n in sorted(cells.items())],
            },
        )
        LinkageRecord.objects.filter(campaign=campaign).delete()
    dropped = KeyList.objects.exclude(participant__campaign__state="closed").filter(scheme="LK1")
    for key_list in dropped:
        KeyListEvent.objects.create(
            participant_id=key_list.participant_id,
            action="withdrawn",
            channel="upgrade",
            rows=key_list.row_count,
            duplicates=key_list.duplicate_count,
        )
    dropped.delete()
    LinkageRecord.objects.filter(keys="").delete()  # anything left of LK1


class Migration(migrations.Migration):

    dependencies = [
        ("diagnostic", "0003_lk2_keys_snapshot_journal"),
    ]

    operations = [
        migrations.RunPython(freeze_or_drop, migrations.RunPython.noop, elidable=False),
    ]
