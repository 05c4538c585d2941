from django.db import migrations

# (name, task, crontab fields): the nightly build after the ledgers' own nightly jobs (01:30),
# the quarter close on each quarter's first day before it.
SCHEDULES = [
    ("汇总数据每日更新", "reports.tasks.rebuild_rollups_nightly", {"hour": "2", "minute": "30"}),
    (
        "汇总数据季度结账",
        "reports.tasks.close_quarter",
        {"hour": "2", "minute": "0", "day_of_month": "1", "month_of_year": "1,4,7,10"},
    ),
]


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, fields in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=fields["minute"],
            hour=fields["hour"],
            day_of_week="*",
            day_of_month=fields.get("day_of_month", "*"),
            month_of_year=fields.get("month_of_year", "*"),
            timezone="Asia/Shanghai",
        )
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "crontab": crontab}
        )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[name for name, *_rest in SCHEDULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
