"""One running run per county, held by the database. Runs left "running" by the old background
threads (which died with the web process) would break the constraint: in each county every
running run but the newest is failed first; the newest is failed by the worker's reaper (its
job has no heartbeat) — jiuzhu.core.jobs."""

from django.conf import settings
from django.db import migrations, models

INTERRUPTED = "任务中断（后台进程已停止），数据未作修改，可重新开始"


def fail_all_but_the_newest_running_run(apps, schema_editor):
    CheckRun = apps.get_model("crosscheck", "CheckRun")
    newest = {}
    for run in CheckRun.objects.filter(status="running").order_by("county_id", "-started_at", "-id"):
        if run.county_id in newest:
            CheckRun.objects.filter(pk=run.pk).update(status="failed", message=INTERRUPTED)
        else:
            newest[run.county_id] = run.pk


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0008_jobrun_queue_heartbeat'),
        ('crosscheck', '0005_finding_lean_references'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(fail_all_but_the_newest_running_run, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='checkrun',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'running')), fields=('county',), name='crosscheck_one_running_run_per_county'),
        ),
    ]
