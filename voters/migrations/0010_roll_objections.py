"""Objections to the roll (选民名单异议) as records: who objects, about whom, the ground, when received and
how answered (an upheld one linked to the roll change it made)."""


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('elections', '0006_proxy_settings'),
        ('voters', '0009_proxies'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RollObjection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('division_code', models.CharField(editable=False, max_length=12, verbose_name='division code')),
                ('objector_name', models.CharField(max_length=30, verbose_name='objector')),
                ('kind', models.CharField(choices=[('add', 'Should be added to the roll'), ('remove', 'Should be taken off the roll'), ('correct', 'Particulars are wrong')], max_length=10, verbose_name='kind')),
                ('person_name', models.CharField(blank=True, max_length=30, verbose_name='person concerned (not on the roll)')),
                ('ground', models.CharField(max_length=500, verbose_name='ground')),
                ('received_on', models.DateField(verbose_name='received on')),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded at')),
                ('answer', models.CharField(blank=True, choices=[('upheld', 'Objection upheld'), ('rejected', 'Objection not upheld')], max_length=10, verbose_name='answer')),
                ('answer_text', models.CharField(blank=True, max_length=500, verbose_name='answer given')),
                ('answered_on', models.DateField(blank=True, null=True, verbose_name='answered on')),
                ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by')),
                ('election', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='objections', to='elections.villageelection', verbose_name='village election')),
                ('objector', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='voters.voterregistration', verbose_name='objector on the roll')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ('registration', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='objections', to='voters.voterregistration', verbose_name='voter concerned')),
                ('roll_change', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='voters.rollchange', verbose_name='roll change made')),
            ],
            options={
                'verbose_name': 'objection to the roll',
                'verbose_name_plural': 'objections to the roll',
                'ordering': ['-received_on', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('registration__isnull', False), models.Q(('person_name', ''), _negated=True), _connector='OR'), name='objection_names_whom'), models.CheckConstraint(condition=models.Q(models.Q(('answer', ''), ('answer_text', ''), ('answered_on__isnull', True)), models.Q(models.Q(('answer', ''), _negated=True), ('answered_on__isnull', False), models.Q(('answer_text', ''), _negated=True)), _connector='OR'), name='objection_answer_complete'), models.CheckConstraint(condition=models.Q(('answered_on__isnull', True), ('answered_on__gte', models.F('received_on')), _connector='OR'), name='objection_answered_after_receipt')],
            },
        ),
    ]
