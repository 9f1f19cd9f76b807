# Targets agreed up and down: the plan's setting, each unit's agreement and its steps.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0002_codes_unique_across_units_and_cadres'),
        ('plans', '0004_calendar_day'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='assessmentplan',
            name='target_mode',
            field=models.CharField(choices=[('direct', '考核办直接下达'), ('agreed', '单位提出、审核认定')], default='direct', max_length=8, verbose_name='目标任务确定方式'),
        ),
        migrations.AddField(
            model_name='assessmentplan',
            name='targets_due',
            field=models.DateField(blank=True, null=True, verbose_name='目标任务报送截止日期'),
        ),
        migrations.CreateModel(
            name='TargetAgreement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('draft', '待提出'), ('proposed', '待审核'), ('returned', '已退回'), ('agreed', '已认定')], default='draft', max_length=10, verbose_name='状态')),
                ('round', models.PositiveIntegerField(default=0, verbose_name='轮次')),
                ('changed_at', models.DateTimeField(blank=True, null=True, verbose_name='更新时间')),
                ('cycle', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='target_agreements', to='plans.assessmentcycle')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='单位')),
            ],
            options={
                'verbose_name': '目标任务认定',
                'verbose_name_plural': '目标任务认定',
                'ordering': ['cycle', 'unit__code'],
                'constraints': [models.UniqueConstraint(fields=('cycle', 'unit'), name='target_agreement_once_per_unit')],
            },
        ),
        migrations.CreateModel(
            name='TargetStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('round', models.PositiveIntegerField(verbose_name='轮次')),
                ('kind', models.CharField(choices=[('propose', '提出目标'), ('concur', '部门审核同意'), ('return', '退回修改'), ('agree', '认定锁定'), ('reopen', '重新开启')], max_length=10, verbose_name='步骤')),
                ('actor_name', models.CharField(max_length=100, verbose_name='经办人')),
                ('role', models.CharField(blank=True, max_length=16, verbose_name='角色')),
                ('comment', models.TextField(blank=True, verbose_name='意见')),
                ('notes', models.JSONField(blank=True, default=dict, verbose_name='逐项意见')),
                ('targets', models.JSONField(blank=True, null=True, verbose_name='提出的目标')),
                ('changes', models.JSONField(blank=True, default=list, verbose_name='修改')),
                ('at', models.DateTimeField(verbose_name='时间')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('agreement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='plans.targetagreement')),
                ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.scoringdepartment')),
            ],
            options={
                'verbose_name': '目标任务认定步骤',
                'verbose_name_plural': '目标任务认定步骤',
                'ordering': ['agreement', 'at', 'id'],
            },
        ),
    ]
