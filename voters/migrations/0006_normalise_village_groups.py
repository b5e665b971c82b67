"""Village groups stored before issue 14 in the forms clerks typed (一组, 1组, 第一村民小组 …) are rewritten
in the one canonical form (voters.groups.normalise_group: 第一村民小组), so the roll groups them as one.

One UPDATE per distinct stored value (a few dozen per county), not per row. Not reversed: the typed forms
were never kept apart and mean the same group."""

from django.db import migrations

from voters.groups import normalise_group


def normalise(apps, schema_editor):
    for label in ("VoterRegistration", "Household"):
        model = apps.get_model("voters", label)
        for value in model.objects.order_by().values_list("group", flat=True).distinct():
            canonical = normalise_group(value)
            if canonical != value:
                model.objects.filter(group=value).update(group=canonical)


class Migration(migrations.Migration):
    dependencies = [("voters", "0005_import_job_deliveries")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
