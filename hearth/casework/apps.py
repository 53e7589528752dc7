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

        from hearth.accounts.models import Role
        from hearth.casework.mywork_views import my_work
        from hearth.core.views import register_home

        # A social worker's home page is "My work".
        for role in (Role.SOCIAL_WORKER, Role.SENIOR_PRACTITIONER):
            register_home(role, my_work)
