# Step 3 of 3: the JSON body is gone; every response has its compressed bytes.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('followup', '0003_rawresponse_compress_stored_bodies'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='rawresponse',
            name='body',
        ),
        migrations.AlterField(
            model_name='rawresponse',
            name='body_gzip',
            field=models.BinaryField(),
        ),
    ]
