from django.apps import AppConfig


class AccidentsConfig(AppConfig):
    name = "accidents"
    verbose_name = "生产安全事故"

    def ready(self):
        from accidents.demo import on_demo_seeded
        from orgs.demo import demo_seeded

        # seed_demo builds the governance data, then each domain app adds its own.
        demo_seeded.connect(on_demo_seeded, dispatch_uid="accidents.demo")
