# Raw responses kept as the compressed bytes received, with their digest (step 1 of 3:
# the new columns, next to the JSON body they replace).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('followup', '0001_initial'),
    ]

    operations = [
        # Nullable from here on, so that the steps can be reversed over stored rows.
        migrations.AlterField(
            model_name='rawresponse',
            name='body',
            field=models.JSONField(null=True),
        ),
        migrations.AddField(
            model_name='rawresponse',
            name='body_gzip',
            field=models.BinaryField(null=True),
        ),
        migrations.AddField(
            model_name='rawresponse',
            name='sha256',
            field=models.CharField(default='', max_length=64),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name='rawresponse',
            index=models.Index(fields=['source', 'url', '-fetched_at'], name='rawresponse_latest_idx'),
        ),
        migrations.AddIndex(
            model_name='rawresponse',
            index=models.Index(fields=['sha256'], name='rawresponse_sha256_idx'),
        ),
    ]
