"""The workflow's models, moved here from elections (issue 13) onto their existing tables (db_table).

State only: the tables, constraints and indexes exist since elections 0002. The content types follow the
models, so permissions and the trail's entries keep pointing at them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = ['gateexception', 'handover', 'handoveritem', 'handoverproblem', 'stagechange', 'stepdefinition', 'reminder', 'steprecord', 'stepdocument']


def move_content_types(apps, schema_editor, old="elections", new="lifecycle"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    rows = ContentType.objects.using(db)
    # Should rows of the new label exist already (created by a post-migrate signal), the old ones win:
    # permissions and trail entries point at them.
    old_models = rows.filter(app_label=old, model__in=MOVED).values_list("model", flat=True)
    rows.filter(app_label=new, model__in=list(old_models)).delete()
    rows.filter(app_label=old, model__in=MOVED).update(app_label=new)


def move_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="lifecycle", new="elections")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('elections', '0004_workflow_moved_to_lifecycle'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='GateException',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('division_code', models.CharField(editable=False, max_length=12, verbose_name='division code')),
                        ('kind', models.CharField(choices=[('postponement', 'Postponed election (暂缓换届)'), ('red_close_out', 'Red village closed out (销号)'), ('over_age_secretary', 'Over-age secretary or chair kept on'), ('other', 'Other exception')], max_length=20, verbose_name='kind')),
                        ('status', models.CharField(choices=[('requested', 'Waiting for the county'), ('approved', 'Approved'), ('rejected', 'Rejected')], default='requested', max_length=10, verbose_name='status')),
                        ('reason', models.TextField(verbose_name='reason')),
                        ('requested_at', models.DateTimeField(auto_now_add=True, verbose_name='asked at')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('decision_note', models.CharField(blank=True, max_length=300, verbose_name='decision note')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                        ('election', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='gate_exceptions', to='elections.villageelection', verbose_name='village election')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='asked by')),
                    ],
                    options={
                        'verbose_name': 'gate exception',
                        'verbose_name_plural': 'gate exceptions',
                        'db_table': 'elections_gateexception',
                        'ordering': ['-requested_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Handover',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('division_code', models.CharField(editable=False, max_length=12, verbose_name='division code')),
                        ('result_on', models.DateField(verbose_name='election result on')),
                        ('handed_over_on', models.DateField(blank=True, null=True, verbose_name='handed over on')),
                        ('outgoing_signatory', models.CharField(blank=True, max_length=50, verbose_name='signed for the outgoing committees')),
                        ('incoming_signatory', models.CharField(blank=True, max_length=50, verbose_name='signed for the new committees')),
                        ('witness', models.CharField(blank=True, max_length=50, verbose_name='township official present')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                        ('signed_off_at', models.DateTimeField(blank=True, null=True, verbose_name='signed off at')),
                        ('election', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='handover', to='elections.villageelection', verbose_name='village election')),
                        ('signed_off_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed off by')),
                    ],
                    options={
                        'verbose_name': 'handover',
                        'verbose_name_plural': 'handovers',
                        'db_table': 'elections_handover',
                    },
                ),
                migrations.CreateModel(
                    name='HandoverItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('division_code', models.CharField(editable=False, max_length=12, verbose_name='division code')),
                        ('category', models.CharField(choices=[('seals', 'Seals'), ('archives', 'Archives'), ('funds', 'Funds'), ('assets', 'Assets'), ('resources', 'Resources')], max_length=10, verbose_name='category')),
                        ('description', models.CharField(max_length=200, verbose_name='description')),
                        ('unit', models.CharField(blank=True, max_length=20, verbose_name='unit')),
                        ('quantity_listed', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='listed by the outgoing team')),
                        ('quantity_received', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='received by the new team')),
                        ('handover', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='lifecycle.handover', verbose_name='handover')),
                    ],
                    options={
                        'verbose_name': 'handover item',
                        'verbose_name_plural': 'handover items',
                        'db_table': 'elections_handoveritem',
                        'ordering': ['handover', 'category', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='HandoverProblem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('division_code', models.CharField(editable=False, max_length=12, verbose_name='division code')),
                        ('description', models.CharField(max_length=300, verbose_name='problem')),
                        ('resolution', models.CharField(blank=True, max_length=300, verbose_name='how it was resolved')),
                        ('resolved_on', models.DateField(blank=True, null=True, verbose_name='resolved on')),
                        ('handover', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='problems', to='lifecycle.handover', verbose_name='handover')),
                    ],
                    options={
                        'verbose_name': 'handover problem',
                        'verbose_name_plural': 'handover problems',
                        'db_table': 'elections_handoverproblem',
                        'ordering': ['handover', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='StageChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('division_code', models.CharField(editable=False, max_length=12, verbose_name='division code')),
                        ('from_stage', models.CharField(choices=[('preparation', 'Preparation'), ('party_election', 'Party organization election'), ('committee_election', "Villagers' committee election"), ('supervision', 'Supervision committee'), ('handover', 'Handover'), ('completed', 'Completed'), ('postponed', 'Postponed')], max_length=20, verbose_name='from')),
                        ('to_stage', models.CharField(choices=[('preparation', 'Preparation'), ('party_election', 'Party organization election'), ('committee_election', "Villagers' committee election"), ('supervision', 'Supervision committee'), ('handover', 'Handover'), ('completed', 'Completed'), ('postponed', 'Postponed')], max_length=20, verbose_name='to')),
                        ('at', models.DateTimeField(auto_now_add=True, verbose_name='at')),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                        ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('election', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stage_changes', to='elections.villageelection', verbose_name='village election')),
                        ('exception', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='lifecycle.gateexception', verbose_name='approved exception')),
                    ],
                    options={
                        'verbose_name': 'stage change',
                        'verbose_name_plural': 'stage changes',
                        'db_table': 'elections_stagechange',
                        'ordering': ['election', 'at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='StepDefinition',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                        ('stage', models.CharField(choices=[('preparation', 'Preparation'), ('party_election', 'Party organization election'), ('committee_election', "Villagers' committee election"), ('supervision', 'Supervision committee'), ('handover', 'Handover'), ('completed', 'Completed'), ('postponed', 'Postponed')], max_length=20, verbose_name='stage')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                        ('title', models.CharField(max_length=100, verbose_name='title')),
                        ('guidance', models.TextField(blank=True, verbose_name='guidance')),
                        ('deadline_kind', models.CharField(choices=[('none', 'No deadline'), ('before_election', 'At least N days before election day'), ('after_result', 'Within N days of the election result'), ('after_opened', 'Within N days of the date it was opened'), ('cycle_date', "By the cycle's training date")], default='none', max_length=20, verbose_name='deadline')),
                        ('deadline_setting', models.CharField(blank=True, choices=[('roll_publication_days', 'Roll publication days'), ('candidate_list_days', 'Candidate list days'), ('voting_notice_days', 'Voting notice days'), ('objection_answer_days', 'Objection answer days'), ('handover_days', 'Handover days')], max_length=30, verbose_name='N from the cycle setting')),
                        ('deadline_days', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='N (when no cycle setting)')),
                        ('source', models.CharField(blank=True, choices=[('', 'Recorded on the step'), ('roll_publication', "The voter roll's publication"), ('outgoing_audit', "The outgoing audit's completion"), ('finance_cleanup', 'The finance clean-up'), ('handover', 'The handover sign-off')], max_length=20, verbose_name='completed by')),
                        ('required', models.BooleanField(default=True, help_text='A required step not done when its stage ends is missing.', verbose_name='required')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('region', models.ForeignKey(blank=True, help_text='Blank: every region. A province adds its own steps under its region.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='elections.region', verbose_name='only under region')),
                    ],
                    options={
                        'verbose_name': 'step definition',
                        'verbose_name_plural': 'step definitions',
                        'db_table': 'elections_stepdefinition',
                        'ordering': ['order', 'code'],
                    },
                ),
                migrations.CreateModel(
                    name='Reminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('division_code', models.CharField(editable=False, max_length=12, verbose_name='division code')),
                        ('kind', models.CharField(choices=[('due_soon', 'Due soon'), ('overdue', 'Overdue')], max_length=10, verbose_name='kind')),
                        ('due_on', models.DateField(verbose_name='due on')),
                        ('computed_on', models.DateField(verbose_name='computed on')),
                        ('election', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='elections.villageelection', verbose_name='village election')),
                        ('step', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='lifecycle.stepdefinition', verbose_name='step')),
                    ],
                    options={
                        'verbose_name': 'reminder',
                        'verbose_name_plural': 'reminders',
                        'db_table': 'elections_reminder',
                        'ordering': ['due_on', 'division_code'],
                    },
                ),
                migrations.CreateModel(
                    name='StepRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('division_code', models.CharField(editable=False, max_length=12, verbose_name='division code')),
                        ('status', models.CharField(choices=[('open', 'Under way'), ('done', 'Done'), ('not_applicable', 'Not applicable')], max_length=20, verbose_name='status')),
                        ('opened_on', models.DateField(blank=True, null=True, verbose_name='opened on')),
                        ('done_on', models.DateField(blank=True, null=True, verbose_name='done on')),
                        ('note', models.CharField(blank=True, max_length=500, verbose_name='note')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('done_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                        ('election', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='step_records', to='elections.villageelection', verbose_name='village election')),
                        ('step', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='lifecycle.stepdefinition', verbose_name='step')),
                    ],
                    options={
                        'verbose_name': 'step record',
                        'verbose_name_plural': 'step records',
                        'db_table': 'elections_steprecord',
                        'ordering': ['election', 'step__order'],
                    },
                ),
                migrations.CreateModel(
                    name='StepDocument',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('division_code', models.CharField(editable=False, max_length=12, verbose_name='division code')),
                        ('file', models.FileField(upload_to='step-documents/%Y/%m/', verbose_name='file')),
                        ('original_name', models.CharField(max_length=200, verbose_name='file name')),
                        ('kind', models.CharField(max_length=5, verbose_name='type')),
                        ('size', models.PositiveIntegerField(verbose_name='size (bytes)')),
                        ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                        ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded at')),
                        ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                        ('record', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='lifecycle.steprecord', verbose_name='step record')),
                    ],
                    options={
                        'verbose_name': 'step document',
                        'verbose_name_plural': 'step documents',
                        'db_table': 'elections_stepdocument',
                        'ordering': ['record', 'uploaded_at'],
                    },
                ),
                migrations.AddIndex(
                    model_name='gateexception',
                    index=models.Index(fields=['division_code', 'status'], name='exception_code_status_idx', opclasses=['varchar_pattern_ops', 'varchar_pattern_ops']),
                ),
                migrations.AddConstraint(
                    model_name='gateexception',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'requested')), fields=('election', 'kind'), name='one_open_request_per_kind'),
                ),
                migrations.AddConstraint(
                    model_name='gateexception',
                    constraint=models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='exception_needs_reason'),
                ),
                migrations.AddConstraint(
                    model_name='gateexception',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('decided_at__isnull', True), ('status', 'requested')), models.Q(models.Q(('status', 'requested'), _negated=True), ('decided_at__isnull', False)), _connector='OR'), name='exception_decided_iff_date'),
                ),
                migrations.AddConstraint(
                    model_name='handover',
                    constraint=models.CheckConstraint(condition=models.Q(('signed_off_at__isnull', True), models.Q(('handed_over_on__isnull', False), models.Q(('outgoing_signatory', ''), _negated=True), models.Q(('incoming_signatory', ''), _negated=True)), _connector='OR'), name='handover_signed_off_complete'),
                ),
                migrations.AddConstraint(
                    model_name='handover',
                    constraint=models.CheckConstraint(condition=models.Q(('handed_over_on__isnull', True), ('handed_over_on__gte', models.F('result_on')), _connector='OR'), name='handover_after_result'),
                ),
                migrations.AddConstraint(
                    model_name='handoveritem',
                    constraint=models.CheckConstraint(condition=models.Q(('quantity_listed__gte', 0), models.Q(('quantity_received__isnull', True), ('quantity_received__gte', 0), _connector='OR')), name='handover_quantities_not_negative'),
                ),
                migrations.AddConstraint(
                    model_name='handoverproblem',
                    constraint=models.CheckConstraint(condition=models.Q(('resolved_on__isnull', True), models.Q(('resolution', ''), _negated=True), _connector='OR'), name='handover_problem_resolution'),
                ),
                migrations.AddConstraint(
                    model_name='stagechange',
                    constraint=models.CheckConstraint(condition=models.Q(('from_stage', models.F('to_stage')), _negated=True), name='stage_change_moves'),
                ),
                migrations.AddConstraint(
                    model_name='stepdefinition',
                    constraint=models.CheckConstraint(condition=models.Q(('deadline_kind__in', ['none', 'cycle_date']), models.Q(('deadline_setting', ''), _negated=True), ('deadline_days__isnull', False), _connector='OR'), name='step_deadline_has_n'),
                ),
                migrations.AddIndex(
                    model_name='reminder',
                    index=models.Index(fields=['division_code'], name='reminder_code_prefix_idx', opclasses=['varchar_pattern_ops']),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.UniqueConstraint(fields=('election', 'step'), name='one_reminder_per_step'),
                ),
                migrations.AddIndex(
                    model_name='steprecord',
                    index=models.Index(fields=['division_code'], name='steprecord_code_prefix_idx', opclasses=['varchar_pattern_ops']),
                ),
                migrations.AddConstraint(
                    model_name='steprecord',
                    constraint=models.UniqueConstraint(fields=('election', 'step'), name='one_record_per_step'),
                ),
                migrations.AddConstraint(
                    model_name='steprecord',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('done_on__isnull', False), ('status', 'done')), models.Q(models.Q(('status', 'done'), _negated=True), ('done_on__isnull', True)), _connector='OR'), name='step_done_iff_date'),
                ),
                ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_back),
    ]
