from django.apps import AppConfig


class AccidentsConfig(AppConfig):
    name = "accidents"
    verbose_name = "生产安全事故"
