"""The cycle settings of written proxies (DOMAIN.md "voting": configurable, default three per voter)."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('elections', '0005_separation_of_duties'),
    ]

    operations = [
        migrations.AddField(
            model_name='electioncycle',
            name='proxies_per_voter',
            field=models.PositiveSmallIntegerField(default=3, validators=[django.core.validators.MinValueValidator(1)], verbose_name='proxies one voter may accept at most'),
        ),
        migrations.AddField(
            model_name='electioncycle',
            name='proxy_voting_allowed',
            field=models.BooleanField(default=True, help_text='A registered voter away on election day may give one other voter a written proxy.', verbose_name='written proxy voting allowed'),
        ),
    ]
