from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "统计报告"

    def ready(self):
        from orgs.demo import demo_seeded
        from reports import bulletin_demo
        from reports.demo import on_demo_seeded

        # reports is the last installed app: its receiver runs after every other app's rows
        # are seeded, so the rollups it builds include them.
        demo_seeded.connect(on_demo_seeded, dispatch_uid="reports.demo")
        # After the rollups: the demo bulletin's figures are frozen from them.
        demo_seeded.connect(bulletin_demo.on_demo_seeded, dispatch_uid="reports.bulletin_demo")
