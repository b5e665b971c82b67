"""The risk assessment and the red village's close-out are read from the risk app's records (issue 13)."""

from django.db import migrations, models

DERIVED = {
    "prep_risk_assessment": (
        "risk_rated",
        "按选情指数评定红、橙、绿三色；红色村先集中整顿，“不销号、不撤组、不启动换届”，必要时报县委批准暂缓换届。"
        "每周一自动评定（“风险研判”页面），首次评定后自动勾选。",
    ),
}
# A red village's close-out (不销号、不启动换届): a step of its own, done when the county closes the
# rectification plan out; a village never rated red has nothing to close out (an optional step).
CLOSE_OUT = (
    "prep_red_close_out",
    "preparation",
    55,
    "红色村整顿销号",
    "红色村集中整顿后由县级验收销号，“不销号、不启动换届”。在“风险研判”页面的整顿方案中销号，"
    "或由县委组织部在换届流程页面批准销号后自动勾选；未评为红色的村不需要此步。",
)
OLD = {
    "prep_risk_assessment": "按选情指数评定红、橙、绿三色；红色村先集中整顿，“不销号、不撤组、不启动换届”，必要时报县委批准暂缓换届。",
}


def derive(apps, schema_editor):
    StepDefinition = apps.get_model("lifecycle", "StepDefinition")
    for code, (source, guidance) in DERIVED.items():
        StepDefinition.objects.filter(code=code).update(source=source, guidance=guidance)
    code, stage, order, title, guidance = CLOSE_OUT
    StepDefinition.objects.update_or_create(
        code=code,
        region=None,
        defaults={
            "stage": stage,
            "order": order,
            "title": title,
            "guidance": guidance,
            "deadline_kind": "none",
            "deadline_setting": "",
            "deadline_days": None,
            "source": "red_closed_out",
            "required": False,
        },
    )


def underive(apps, schema_editor):
    StepDefinition = apps.get_model("lifecycle", "StepDefinition")
    for code, guidance in OLD.items():
        StepDefinition.objects.filter(code=code).update(source="", guidance=guidance)
    StepDefinition.objects.filter(code=CLOSE_OUT[0], region__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0003_voting_notice_step"), ("risk", "0001_initial")]
    operations = [
        migrations.AlterField(
            model_name='stepdefinition',
            name='source',
            field=models.CharField(blank=True, choices=[('', 'Recorded on the step'), ('risk_rated', 'The weekly three-colour rating'), ('red_closed_out', "The county's close-out of the red village"), ('roll_publication', "The voter roll's publication"), ('outgoing_audit', "The outgoing audit's completion"), ('finance_cleanup', 'The finance clean-up'), ('preliminary_notice', 'The notice of the preliminary candidates'), ('party_vote', "The Party assembly's confirmed count"), ('party_approved', "The township's approval of the Party committee's result"), ('formal_list', "The formal candidate list's publication"), ('voting_notice', "The voting notice's publication"), ('vote_counted', "The villagers' vote, counted and confirmed on the spot"), ('result_approved', "The township's approval of the villagers' committee result"), ('handover', 'The handover sign-off')], max_length=20, verbose_name='completed by'),
        ),
        migrations.RunPython(derive, underive),
    ]
