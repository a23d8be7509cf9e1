# A schema change (a new column): the release that brings it dumps the database first.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shelf", "0001_initial")]

    operations = [
        migrations.AddField(model_name="upload", name="note", field=models.CharField(blank=True, default="", max_length=50)),
    ]
