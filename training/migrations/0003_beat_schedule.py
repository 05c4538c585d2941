from django.db import migrations

# (name, task, hour, minute): reminders at the start of the working day.
SCHEDULES = [
    ("证书复审与到期提醒", "training.tasks.send_certificate_reminders", "8", "40"),
    ("应急演练到期提醒", "training.tasks.send_drill_reminders", "8", "45"),
]


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hour, minute in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
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
        ("training", "0002_default_hours_rules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
