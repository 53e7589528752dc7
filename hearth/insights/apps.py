from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "hearth.insights"
    label = "insights"
    verbose_name = "Insights"
