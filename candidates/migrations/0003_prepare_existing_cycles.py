"""Cycles opened before elections.services.prepare_cycle existed get their vetting reference data here:
the rule settings, the ten items of "十不选" and the reviewing departments of each county under them. Pages
used to make these on first reading (issue 14: a GET never writes); now a cycle has them from its opening.
The data is the module of defaults, as the service uses it; trail entries are not written by migrations."""

from django.db import migrations


def prepare(apps, schema_editor):
    from candidates import defaults
    from elections.regions import PREFIX_LENGTH

    Cycle = apps.get_model("elections", "ElectionCycle")
    Region = apps.get_model("elections", "Region")
    Settings = apps.get_model("candidates", "CandidateRuleSettings")
    Item = apps.get_model("candidates", "NegativeListItem")
    Unit = apps.get_model("candidates", "ReviewUnit")
    for cycle in Cycle.objects.select_related("region"):
        Settings.objects.get_or_create(cycle=cycle)
        if not Item.objects.filter(cycle=cycle).exists():
            Item.objects.bulk_create(
                Item(cycle=cycle, region_id=cycle.region_id, number=number, text=text)
                for number, text in enumerate(defaults.NEGATIVE_LIST, start=1)
            )
        prefix = cycle.region.code[: PREFIX_LENGTH[cycle.region.level]]
        for county in Region.objects.filter(level="county", code__startswith=prefix):
            if not Unit.objects.filter(region=county).exists():
                Unit.objects.bulk_create(
                    Unit(region=county, kind=kind, name=defaults.department_name(kind, county.name), order=i)
                    for i, (kind, _template) in enumerate(defaults.DEPARTMENTS)
                )


class Migration(migrations.Migration):
    dependencies = [("candidates", "0002_review_inbox"), ("elections", "0005_separation_of_duties")]

    operations = [migrations.RunPython(prepare, migrations.RunPython.noop)]
