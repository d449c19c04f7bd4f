# Data migration (step 2 of 3): the JSON bodies stored so far, compressed. Their exact bytes
# were not kept (jsonb normalises), so each is written back as compact JSON.

import gzip
import hashlib
import json

from django.db import migrations


def compress_bodies(apps, schema_editor):
    RawResponse = apps.get_model('followup', 'RawResponse')
    for raw in RawResponse.objects.filter(body_gzip__isnull=True).only('pk', 'body').iterator(
        chunk_size=100
    ):
        data = json.dumps(raw.body, ensure_ascii=False, separators=(',', ':')).encode()
        RawResponse.objects.filter(pk=raw.pk).update(
            body_gzip=gzip.compress(data, mtime=0), sha256=hashlib.sha256(data).hexdigest()
        )


def restore_bodies(apps, schema_editor):
    RawResponse = apps.get_model('followup', 'RawResponse')
    for raw in RawResponse.objects.only('pk', 'body_gzip').iterator(chunk_size=100):
        body = json.loads(gzip.decompress(raw.body_gzip))
        RawResponse.objects.filter(pk=raw.pk).update(body=body)


class Migration(migrations.Migration):

    dependencies = [
        ('followup', '0002_rawresponse_body_gzip_sha256'),
    ]

    operations = [
        migrations.RunPython(compress_bodies, restore_bodies),
    ]
