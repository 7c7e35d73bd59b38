"""调解组织: the committees become mediation organisations with a kind (existing rows: the
village or township committee their unit is), a sector, a parent; a dispute records its
route (化解途径) and, for a court-referred case, the court's case number and date."""

import django.db.models.deletion
from django.db import migrations, models

VILLAGE_UNITS = ("village", "community")


def kinds_from_units(apps, schema_editor):
    Committee = apps.get_model("disputes", "MediationCommittee")
    Committee.objects.filter(kind="", unit__kind__in=VILLAGE_UNITS).update(kind="village")
    Committee.objects.filter(kind="").update(kind="township")


def routes_from_committees(apps, schema_editor):
    """A dispute already handled by a committee was taken by people's mediation."""
    Dispute = apps.get_model("disputes", "Dispute")
    Dispute.objects.filter(route="", committee__isnull=False).update(route="people")


class Migration(migrations.Migration):

    dependencies = [
        ('disputes', '0008_petition_leader'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='historicalmediationcommittee',
            options={'get_latest_by': ('history_date', 'history_id'), 'ordering': ('-history_date', '-history_id'), 'verbose_name': 'historical 调解组织', 'verbose_name_plural': 'historical 调解组织'},
        ),
        migrations.AlterModelOptions(
            name='mediationcommittee',
            options={'ordering': ['unit__path', 'name'], 'verbose_name': '调解组织', 'verbose_name_plural': '调解组织'},
        ),
        migrations.AddField(
            model_name='dispute',
            name='court_case_number',
            field=models.CharField(blank=True, max_length=60, verbose_name='法院案号'),
        ),
        migrations.AddField(
            model_name='dispute',
            name='court_referred_on',
            field=models.DateField(blank=True, null=True, verbose_name='法院委派/委托日期'),
        ),
        migrations.AddField(
            model_name='dispute',
            name='route',
            field=models.CharField(blank=True, choices=[('people', '人民调解'), ('administrative', '行政调解'), ('professional', '行业性专业性调解'), ('court', '法院委派/委托调解（诉调对接）')], db_index=True, max_length=20, verbose_name='化解途径'),
        ),
        migrations.AddField(
            model_name='historicaldispute',
            name='court_case_number',
            field=models.CharField(blank=True, max_length=60, verbose_name='法院案号'),
        ),
        migrations.AddField(
            model_name='historicaldispute',
            name='court_referred_on',
            field=models.DateField(blank=True, null=True, verbose_name='法院委派/委托日期'),
        ),
        migrations.AddField(
            model_name='historicaldispute',
            name='route',
            field=models.CharField(blank=True, choices=[('people', '人民调解'), ('administrative', '行政调解'), ('professional', '行业性专业性调解'), ('court', '法院委派/委托调解（诉调对接）')], db_index=True, max_length=20, verbose_name='化解途径'),
        ),
        migrations.AddField(
            model_name='historicalmediationcommittee',
            name='kind',
            field=models.CharField(blank=True, choices=[('village', '村(社区)人民调解委员会'), ('township', '乡镇(街道)人民调解委员会'), ('professional', '行业性专业性人民调解委员会'), ('centre', '综治中心（矛盾纠纷调处化解中心）'), ('room', '调解工作室'), ('administrative', '行政调解机构'), ('court_link', '诉调对接工作室')], db_index=True, max_length=20, verbose_name='类型'),
        ),
        migrations.AddField(
            model_name='historicalmediationcommittee',
            name='parent',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='disputes.mediationcommittee', verbose_name='所属调解组织'),
        ),
        migrations.AddField(
            model_name='historicalmediationcommittee',
            name='sector',
            field=models.CharField(blank=True, choices=[('traffic', '道路交通'), ('medical', '医疗纠纷'), ('labour', '劳动争议'), ('property', '物业纠纷'), ('family', '婚姻家庭'), ('other', '其他')], max_length=20, verbose_name='领域'),
        ),
        migrations.AddField(
            model_name='mediationcommittee',
            name='kind',
            field=models.CharField(blank=True, choices=[('village', '村(社区)人民调解委员会'), ('township', '乡镇(街道)人民调解委员会'), ('professional', '行业性专业性人民调解委员会'), ('centre', '综治中心（矛盾纠纷调处化解中心）'), ('room', '调解工作室'), ('administrative', '行政调解机构'), ('court_link', '诉调对接工作室')], db_index=True, max_length=20, verbose_name='类型'),
        ),
        migrations.AddField(
            model_name='mediationcommittee',
            name='parent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rooms', to='disputes.mediationcommittee', verbose_name='所属调解组织'),
        ),
        migrations.AddField(
            model_name='mediationcommittee',
            name='sector',
            field=models.CharField(blank=True, choices=[('traffic', '道路交通'), ('medical', '医疗纠纷'), ('labour', '劳动争议'), ('property', '物业纠纷'), ('family', '婚姻家庭'), ('other', '其他')], max_length=20, verbose_name='领域'),
        ),
        migrations.AlterField(
            model_name='historicalmediationcommittee',
            name='term_end',
            field=models.DateField(blank=True, null=True, verbose_name='本届任期届满'),
        ),
        migrations.AlterField(
            model_name='historicalmediationcommittee',
            name='term_start',
            field=models.DateField(blank=True, null=True, verbose_name='本届任期开始'),
        ),
        migrations.AlterField(
            model_name='mediationcommittee',
            name='term_end',
            field=models.DateField(blank=True, null=True, verbose_name='本届任期届满'),
        ),
        migrations.AlterField(
            model_name='mediationcommittee',
            name='term_start',
            field=models.DateField(blank=True, null=True, verbose_name='本届任期开始'),
        ),
        migrations.RunPython(kinds_from_units, migrations.RunPython.noop),
        migrations.RunPython(routes_from_committees, migrations.RunPython.noop),
    ]
