"""The four warnings of a roll check end in ".W" (issue 14: one catalogue shape, warnings ending in ".W"),
so the problem lists already stored with an import job (ImportJob.result: "warnings", and "errors" for
safety) carry the new codes; reversed by the same walk with the table turned round.

The codes are written literally, not read from voters.codes: a migration keeps the codes of its day.
Only jobs whose result mentions an old code are rewritten (one save each; jobs are one per upload)."""

from django.db import migrations

RENAMED = {
    "voter.birth_date_mismatch": "voter.birth_date_mismatch.W",
    "voter.sex_mismatch": "voter.sex_mismatch.W",
    "voter.phone_invalid": "voter.phone_invalid.W",
    "voter.date_invalid": "voter.date_invalid.W",
}
LISTS = ("warnings", "errors")


def rename_result(result, table: dict[str, str]) -> bool:
    """Rename the codes of the problem lists of one stored result in place; whether anything changed."""
    changed = False
    if not isinstance(result, dict):
        return False
    for key in LISTS:
        for problem in result.get(key) or ():
            if isinstance(problem, dict) and problem.get("code") in table:
                problem["code"] = table[problem["code"]]
                changed = True
    return changed


def _rename(apps, table: dict[str, str]) -> None:
    job_model = apps.get_model("voters", "ImportJob")
    changed = []
    for job in job_model.objects.only("pk", "result").iterator(chunk_size=200):
        if rename_result(job.result, table):
            changed.append(job)
        if len(changed) >= 200:
            job_model.objects.bulk_update(changed, ["result"])
            changed = []
    if changed:
        job_model.objects.bulk_update(changed, ["result"])


def forward(apps, schema_editor):
    _rename(apps, RENAMED)


def backward(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("voters", "0006_normalise_village_groups")]

    operations = [migrations.RunPython(forward, backward)]
