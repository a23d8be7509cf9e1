# A migration that changes the schema and the rows, then fails. Before it
# fails it waits (bounded) until the serving release has written a row: a
# restore of the pre-migrate dump would lose it. Not atomic: what it did
# stays (committed), on PostgreSQL too; nothing is restored over live writes.
import time

from django.db import migrations, models


def scribble_then_fail(apps, schema_editor):
    uploads = apps.get_model("shelf", "Upload").objects
    start, deadline = uploads.count(), time.monotonic() + 60
    while uploads.count() == start and time.monotonic() < deadline:
        time.sleep(0.2)
    uploads.update(mime="scribbled/by-broken-migration")
    raise RuntimeError("broken migration 0003 fails on purpose")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("shelf", "0002_upload_note")]

    operations = [
        migrations.CreateModel(name="Leftover", fields=[("id", models.BigAutoField(primary_key=True, serialize=False))]),
        migrations.RunPython(scribble_then_fail, migrations.RunPython.noop),
    ]
