from django.urls import URLPattern, URLResolver, path

from hearth.insights import views

app_name = "insights"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:code>/", views.detail, name="detail"),
    path("<slug:code>/england/", views.reference, name="reference"),
]
