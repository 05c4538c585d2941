from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_notification_channels"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="scope_version",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
