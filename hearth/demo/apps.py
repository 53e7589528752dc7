from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hearth.demo"
    label = "demo"
    verbose_name = "Synthetic local authority"
