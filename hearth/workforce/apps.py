from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "hearth.workforce"
    label = "workforce"
    verbose_name = "Workforce"

    def ready(self) -> None:
        from hearth.workforce.chronology import register_supervision

        # Case supervision decisions join the child's chronology (casework never
        # imports workforce).
        register_supervision()
