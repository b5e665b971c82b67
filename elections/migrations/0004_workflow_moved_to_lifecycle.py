"""The workflow's models moved to the lifecycle app (issue 13): state only, the tables stay (db_table).

lifecycle 0001 creates the same models in its own state on the same tables."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("elections", "0003_default_steps"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="stagechange",
                    name="exception",
                ),
                migrations.RemoveField(
                    model_name="handover",
                    name="election",
                ),
                migrations.RemoveField(
                    model_name="handover",
                    name="signed_off_by",
                ),
                migrations.RemoveField(
                    model_name="handoveritem",
                    name="handover",
                ),
                migrations.RemoveField(
                    model_name="handoverproblem",
                    name="handover",
                ),
                migrations.RemoveField(
                    model_name="reminder",
                    name="election",
                ),
                migrations.RemoveField(
                    model_name="reminder",
                    name="step",
                ),
                migrations.RemoveField(
                    model_name="stagechange",
                    name="by",
                ),
                migrations.RemoveField(
                    model_name="stagechange",
                    name="election",
                ),
                migrations.RemoveField(
                    model_name="stepdefinition",
                    name="region",
                ),
                migrations.RemoveField(
                    model_name="steprecord",
                    name="step",
                ),
                migrations.RemoveField(
                    model_name="stepdocument",
                    name="record",
                ),
                migrations.RemoveField(
                    model_name="stepdocument",
                    name="uploaded_by",
                ),
                migrations.RemoveField(
                    model_name="steprecord",
                    name="done_by",
                ),
                migrations.RemoveField(
                    model_name="steprecord",
                    name="election",
                ),
                migrations.DeleteModel(
                    name="GateException",
                ),
                migrations.DeleteModel(
                    name="HandoverItem",
                ),
                migrations.DeleteModel(
                    name="Handover",
                ),
                migrations.DeleteModel(
                    name="HandoverProblem",
                ),
                migrations.DeleteModel(
                    name="Reminder",
                ),
                migrations.DeleteModel(
                    name="StageChange",
                ),
                migrations.DeleteModel(
                    name="StepDefinition",
                ),
                migrations.DeleteModel(
                    name="StepDocument",
                ),
                migrations.DeleteModel(
                    name="StepRecord",
                ),
            ],
            database_operations=[],
        ),
    ]
