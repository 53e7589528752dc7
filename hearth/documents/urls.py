from django.urls import URLPattern, URLResolver, path

from hearth.documents import views

app_name = "documents"
urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/autosave/", views.report_autosave, name="report_autosave"),
    path("reports/<int:pk>/decision/", views.report_decide, name="report_decide"),
    path("reports/<int:pk>/share/", views.report_share, name="report_share"),
    path("reports/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("assessments/<int:pk>/report/", views.assessment_report, name="assessment_report"),
    path("conferences/<int:pk>/report/", views.conference_report, name="conference_report"),
    path("sign-off/", views.sign_off, name="sign_off"),
    path("shared/", views.shared, name="shared"),
    path("missing/", views.missing, name="missing"),
    path(
        "children/<int:person_id>/chronology/new/",
        views.chronology_entry_new,
        name="chronology_entry_new",
    ),
]
