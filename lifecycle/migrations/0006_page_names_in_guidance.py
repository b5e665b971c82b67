"""The default steps' guidance names the ballots pages as the menu does (“计票与结果”, not “投票计票”)."""

from django.db import migrations

OLD, NEW = "“投票计票”", "“计票与结果”"


def rename(apps, schema_editor, old=OLD, new=NEW):
    StepDefinition = apps.get_model("lifecycle", "StepDefinition")
    for step in StepDefinition.objects.filter(region__isnull=True, guidance__contains=old):
        step.guidance = step.guidance.replace(old, new)
        step.save(update_fields=["guidance"])


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0005_certificates_issued")]
    operations = [migrations.RunPython(rename, rename_back)]
