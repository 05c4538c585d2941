from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = "隐患排查治理"

    def ready(self):
        from hazards.demo import on_demo_seeded
        from orgs.demo import demo_seeded

        # seed_demo builds the governance data, then each domain app adds its own.
        demo_seeded.connect(on_demo_seeded, dispatch_uid="hazards.demo")
