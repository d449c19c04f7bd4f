# Observation → KPI and area: checked once per statement by triggers instead of row by row
# by foreign keys (see hallbar/followup/references.py for the rule and why).

import django.db.models.deletion
from django.db import migrations, models


def install(apps, schema_editor):
    from hallbar.followup import references

    references.install(schema_editor)


def uninstall(apps, schema_editor):
    from hallbar.followup import references

    references.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0004_rawresponse_drop_json_body"),
    ]

    operations = [
        migrations.AlterField(
            model_name="observation",
            name="area",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="observations",
                to="followup.area",
            ),
        ),
        migrations.AlterField(
            model_name="observation",
            name="kpi",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="observations",
                to="followup.kpi",
            ),
        ),
        migrations.RunPython(install, uninstall),
    ]
