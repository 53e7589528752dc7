from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "hearth.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from hearth.casework.due import RULE_CODES, recompute_open_rows
        from hearth.timescales import registry

        # A closure day or a local target changing moves the due dates of open rows.
        registry.register("casework", rules=RULE_CODES, recompute=recompute_open_rows)
