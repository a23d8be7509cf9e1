# A migration that changes the schema and the rows, then fails: on MariaDB
# (no transactional DDL) both stay unless the pre-migrate dump is restored.
from django.db import migrations, models


def scribble_then_fail(apps, schema_editor):
    apps.get_model("shelf", "Upload").objects.update(mime="scribbled/by-broken-migration")
    raise RuntimeError("broken migration 0003 fails on purpose")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("shelf", "0002_upload_note")]

    operations = [
        migrations.CreateModel(name="Leftover", fields=[("id", models.BigAutoField(primary_key=True, serialize=False))]),
        migrations.RunPython(scribble_then_fail, migrations.RunPython.noop),
    ]
