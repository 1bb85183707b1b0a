"""Recompute every blind index with its field's own key (HKDF from the master key), truncated to 128 bits.

Before this migration one key served every index, with full-length digests. The indexes are recomputed
from the decrypted values (the historical models decrypt them), so existing searches keep working.
`manage.py rotate_keys --reindex` does the same for every model, later, after a change of the master key.
"""

from django.db import migrations

from parcours.core.crypto import blind_index

BATCH_SIZE = 500
# (model, {index field: (source field, label)}). Labels are frozen here: they are the keys' derivation input.
INDEXES = [
    (
        "Person",
        {
            "last_name_bidx": ("last_name", "people.person.last_name"),
            "birth_date_bidx": ("birth_date", "people.person.birth_date"),
        },
    ),
    ("PersonAlias", {"name_bidx": ("name", "people.personalias.name")}),
]


def reindex(apps, schema_editor):
    for model_name, indexes in INDEXES:
        model = apps.get_model("people", model_name)
        sources = [source for source, _ in indexes.values()]
        batch = []
        for obj in model.objects.only("pk", *sources).order_by("pk").iterator(chunk_size=BATCH_SIZE):
            for index, (source, label) in indexes.items():
                setattr(obj, index, blind_index(getattr(obj, source), label=label))
            batch.append(obj)
            if len(batch) >= BATCH_SIZE:
                model.objects.bulk_update(batch, list(indexes))
                batch = []
        if batch:
            model.objects.bulk_update(batch, list(indexes))


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    # Irreversible on purpose: the former single-key digests are not worth recomputing.
    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
