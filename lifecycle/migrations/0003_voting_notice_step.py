"""The step "voting notice published" is read from the ballots app's printable notice (issue 13)."""

from django.db import migrations

CODE = "voting_notice"
GUIDANCE = (
    "村民选举委员会应当提前三日公布选举投票的具体时间、地点和投票方式。"
    "在“投票计票”页面的“投票公告”中发布并打印张贴，完成后自动勾选。"
)
OLD_GUIDANCE = "村民选举委员会应当提前三日公布选举投票的具体时间、地点和投票方式。"


def derive(apps, schema_editor):
    StepDefinition = apps.get_model("lifecycle", "StepDefinition")
    StepDefinition.objects.filter(code=CODE).update(source="voting_notice", guidance=GUIDANCE)


def underive(apps, schema_editor):
    StepDefinition = apps.get_model("lifecycle", "StepDefinition")
    StepDefinition.objects.filter(code=CODE).update(source="", guidance=OLD_GUIDANCE)


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0002_derived_steps"), ("ballots", "0002_voting_notice")]
    operations = [migrations.RunPython(derive, underive)]
