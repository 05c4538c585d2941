from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "督导检查"

    def ready(self):
        from inspections.demo import on_demo_seeded
        from orgs.demo import demo_seeded

        # seed_demo builds the governance data, then each domain app adds its own.
        demo_seeded.connect(on_demo_seeded, dispatch_uid="inspections.demo")
        # After the supervision demo: the holiday campaign's actions sit beside its visits.
        from inspections.enforcement_demo import on_demo_seeded as on_enforcement_demo

        demo_seeded.connect(on_enforcement_demo, dispatch_uid="inspections.enforcement_demo")
