"""The certificates of election are a step read from the ballots app's record (issue 13): done on the day
the election committee recorded them as handed to the persons elected."""

from django.db import migrations, models

STEP = (
    "committee_certificates",
    "committee_election",
    396,
    "颁发当选证书",
    "村民选举委员会向当选人员颁发当选证书。在“计票与结果”页面打印当选证书，发放后登记发放日期，完成后自动勾选。",
)


def add_step(apps, schema_editor):
    StepDefinition = apps.get_model("lifecycle", "StepDefinition")
    code, stage, order, title, guidance = STEP
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
            "source": "certificates",
            "required": True,
        },
    )


def remove_step(apps, schema_editor):
    apps.get_model("lifecycle", "StepDefinition").objects.filter(code=STEP[0], region__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('lifecycle', '0004_risk_steps'),
        ('ballots', '0003_certificates_issued'),
    ]

    operations = [
        migrations.AlterField(
            model_name='stepdefinition',
            name='source',
            field=models.CharField(blank=True, choices=[('', 'Recorded on the step'), ('risk_rated', 'The weekly three-colour rating'), ('red_closed_out', "The county's close-out of the red village"), ('roll_publication', "The voter roll's publication"), ('outgoing_audit', "The outgoing audit's completion"), ('finance_cleanup', 'The finance clean-up'), ('preliminary_notice', 'The notice of the preliminary candidates'), ('party_vote', "The Party assembly's confirmed count"), ('party_approved', "The township's approval of the Party committee's result"), ('formal_list', "The formal candidate list's publication"), ('voting_notice', "The voting notice's publication"), ('vote_counted', "The villagers' vote, counted and confirmed on the spot"), ('result_approved', "The township's approval of the villagers' committee result"), ('certificates', 'The certificates of election issued'), ('handover', 'The handover sign-off')], max_length=20, verbose_name='completed by'),
        ),
        migrations.RunPython(add_step, remove_step),
    ]
