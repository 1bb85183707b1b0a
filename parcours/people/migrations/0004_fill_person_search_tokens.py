"""Fill the name-prefix search tokens of the people recorded before they existed.

The historical models decrypt the names (their fields are the encrypted fields of parcours.core.crypto); the
tokens are computed with the key derived for the label frozen here. Reversing empties the table.
"""

from django.db import migrations

from parcours.core.crypto import name_prefixes, prefix_token

BATCH_SIZE = 500
# Frozen here: the label is the key's derivation input (parcours.people.models.PERSON_NAME_PREFIX).
LABEL = "people.person.name_prefix"


def fill(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    PersonAlias = apps.get_model("people", "PersonAlias")
    PersonSearchToken = apps.get_model("people", "PersonSearchToken")
    aliases = {}
    for alias in PersonAlias.objects.only("person_id", "name").order_by("pk").iterator(chunk_size=BATCH_SIZE):
        aliases.setdefault(alias.person_id, []).append(alias.name)
    batch = []
    people = Person.objects.filter(merged_into__isnull=True).only("pk", "last_name", "first_name", "usual_name")
    for person in people.order_by("pk").iterator(chunk_size=BATCH_SIZE):
        names = [person.last_name, person.first_name, person.usual_name, *aliases.get(person.pk, [])]
        prefixes = set().union(*(name_prefixes(n) for n in names))
        tokens = sorted({prefix_token(p, label=LABEL) for p in prefixes})
        batch.extend(PersonSearchToken(person_id=person.pk, token=t) for t in tokens)
        if len(batch) >= BATCH_SIZE:
            PersonSearchToken.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        PersonSearchToken.objects.bulk_create(batch, ignore_conflicts=True)


def empty(apps, schema_editor):
    apps.get_model("people", "PersonSearchToken").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0003_person_search_tokens_and_merge")]
    operations = [migrations.RunPython(fill, empty)]
