from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "hearth.care"
    label = "care"
    verbose_name = "Care"

    def ready(self) -> None:
        from hearth.care.due import RULE_CODES, recompute_open_rows
        from hearth.timescales import registry

        # A closure day or a local target changing moves the due dates of open rows.
        registry.register("care", rules=RULE_CODES, recompute=recompute_open_rows)
