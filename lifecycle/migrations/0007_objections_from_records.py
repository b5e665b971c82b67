""""Objections to the roll handled" (roll_objections) is read from the objections recorded on the roll's
objections page (voters.RollObjection), no longer ticked by hand with the day one was received (issue 16):
records, not checkboxes."""

from django.db import migrations, models

CODE = "roll_objections"
GUIDANCE = (
    "对选民名单有异议的，村民选举委员会应当自收到申诉之日起三日内作出解释或补正。"
    "在“选民名单”的“名单异议”页面登记收到的异议并逐件答复：有未答复的异议时本步骤进行中，超过期限即为逾期；"
    "全部答复后自动完成，逾期答复的标为逾期完成；名单公布后没有异议的自动完成。"
)
OLD_GUIDANCE = (
    "对选民名单有异议的，村民选举委员会应当自收到申诉之日起三日内作出解释或补正。"
    "收到申诉时记录“开始日期”；没有申诉的记为不适用。"
)


def derive(apps, schema_editor):
    StepDefinition = apps.get_model("lifecycle", "StepDefinition")
    StepDefinition.objects.filter(code=CODE).update(source=CODE, guidance=GUIDANCE)


def underive(apps, schema_editor):
    StepDefinition = apps.get_model("lifecycle", "StepDefinition")
    StepDefinition.objects.filter(code=CODE).update(source="", guidance=OLD_GUIDANCE)


class Migration(migrations.Migration):

    dependencies = [
        ('lifecycle', '0006_page_names_in_guidance'),
        ('voters', '0010_roll_objections'),
    ]

    operations = [
        migrations.AlterField(
            model_name='stepdefinition',
            name='source',
            field=models.CharField(blank=True, choices=[('', 'Recorded on the step'), ('risk_rated', 'The weekly three-colour rating'), ('red_closed_out', "The county's close-out of the red village"), ('roll_publication', "The voter roll's publication"), ('roll_objections', 'The objections to the roll, each answered'), ('outgoing_audit', "The outgoing audit's completion"), ('finance_cleanup', 'The finance clean-up'), ('preliminary_notice', 'The notice of the preliminary candidates'), ('party_vote', "The Party assembly's confirmed count"), ('party_approved', "The township's approval of the Party committee's result"), ('formal_list', "The formal candidate list's publication"), ('voting_notice', "The voting notice's publication"), ('vote_counted', "The villagers' vote, counted and confirmed on the spot"), ('result_approved', "The township's approval of the villagers' committee result"), ('certificates', 'The certificates of election issued'), ('handover', 'The handover sign-off')], max_length=20, verbose_name='completed by'),
        ),
        migrations.RunPython(derive, underive),
    ]
