from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "hearth.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from hearth.documents.chronology import register_manual_entries

        # Manual entries join the chronology casework generates (casework never
        # imports documents: documents registers its own source).
        register_manual_entries()
