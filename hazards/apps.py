from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = "隐患排查治理"

    def ready(self):
        import hazards.report_tasks  # noqa: F401  (Celery autodiscovery reads hazards.tasks only)
        from hazards import report_demo, risk_demo
        from hazards.demo import on_demo_seeded
        from orgs.demo import demo_seeded

        # seed_demo builds the governance data, then each domain app adds its own.
        demo_seeded.connect(on_demo_seeded, dispatch_uid="hazards.demo")
        demo_seeded.connect(report_demo.on_demo_seeded, dispatch_uid="hazards.report_demo")
        demo_seeded.connect(risk_demo.on_demo_seeded, dispatch_uid="hazards.risk_demo")
