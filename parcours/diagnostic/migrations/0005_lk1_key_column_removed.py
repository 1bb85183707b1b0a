"""The LK1 key column goes (0004 has frozen or dropped every LK1 record)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("diagnostic", "0004_lk1_records_frozen_or_dropped"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="linkagerecord",
            name="diag_record_unique_key",
        ),
        migrations.RemoveIndex(
            model_name="linkagerecord",
            name="diag_record_campaign_key",
        ),
        migrations.RemoveField(
            model_name="linkagerecord",
            name="key",
        ),
    ]
