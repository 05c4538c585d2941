from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "培训演练"

    def ready(self):
        from orgs.demo import demo_seeded
        from training.demo import on_demo_seeded

        # seed_demo builds the governance data, then each domain app adds its own.
        demo_seeded.connect(on_demo_seeded, dispatch_uid="training.demo")
