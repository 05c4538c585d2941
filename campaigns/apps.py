from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "治本攻坚行动方案"

    def ready(self):
        from campaigns.demo import on_demo_seeded
        from orgs.demo import demo_seeded

        # seed_demo builds the governance data, then each domain app adds its own.
        demo_seeded.connect(on_demo_seeded, dispatch_uid="campaigns.demo")
