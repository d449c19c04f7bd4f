import django.utils.timezone
from django.db import migrations, models


def stamp_last_versions(apps, schema_editor):
    """The last recorded version of each mandate carries the mandate's stamp, so the
    first edit after this migration can tell what changed meanwhile."""
    Mandate = apps.get_model("organisation", "Mandate")
    HistoricalMandate = apps.get_model("organisation", "HistoricalMandate")
    for pk, updated_at in Mandate.objects.values_list("pk", "updated_at").iterator():
        last = HistoricalMandate.objects.filter(id=pk).order_by("-history_date", "-history_id")
        last = last.values_list("history_id", flat=True).first()
        if last is not None:
            HistoricalMandate.objects.filter(history_id=last).update(updated_at=updated_at)


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0004_seed_standard_mandates"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmandate",
            name="updated_at",
            field=models.DateTimeField(
                blank=True, default=django.utils.timezone.now, editable=False, verbose_name="updated"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="mandate",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="updated"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(stamp_last_versions, migrations.RunPython.noop),
    ]
