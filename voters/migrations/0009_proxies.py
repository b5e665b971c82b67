"""Written proxies (委托投票) get their services: the table had no writer until now, so it is made again
with the election it belongs to, who recorded it and when, and its revocation (a voter gives one proxy in
force at a time; a revoked one is kept)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('elections', '0006_proxy_settings'),
        ('voters', '0008_kinship_basis'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.DeleteModel(name='ProxyAuthorisation'),
        migrations.CreateModel(
            name='ProxyAuthorisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('division_code', models.CharField(editable=False, max_length=12, verbose_name='division code')),
                ('signed_on', models.DateField(verbose_name='signed on')),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded at')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                ('revoke_reason', models.CharField(blank=True, max_length=200, verbose_name='reason for revoking')),
                ('election', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='proxies', to='elections.villageelection', verbose_name='village election')),
                ('grantor', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proxies_given', to='voters.voterregistration', verbose_name='voter giving the proxy')),
                ('proxy', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='proxies_held', to='voters.voterregistration', verbose_name='proxy')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='revoked by')),
            ],
            options={
                'verbose_name': 'proxy authorisation',
                'verbose_name_plural': 'proxy authorisations',
                'indexes': [models.Index(fields=['election', 'proxy'], name='proxy_election_holder_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('grantor', models.F('proxy')), _negated=True), name='proxy_not_self'), models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True)), fields=('grantor',), name='one_proxy_in_force_per_voter'), models.CheckConstraint(condition=models.Q(models.Q(('revoke_reason', ''), ('revoked_at__isnull', True)), models.Q(('revoked_at__isnull', False), models.Q(('revoke_reason', ''), _negated=True)), _connector='OR'), name='proxy_revoked_with_reason')],
            },
        ),
    ]
