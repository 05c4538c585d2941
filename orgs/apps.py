from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "组织机构"

    def ready(self):
        from orgs import signals  # noqa: F401
