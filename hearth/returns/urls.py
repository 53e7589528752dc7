from django.urls import path

from hearth.returns import views

app_name = "returns"
urlpatterns = [
    path("", views.index, name="index"),
    path("exports/<int:pk>/", views.export, name="export"),
    path("exports/<int:pk>/download/", views.download, name="download"),
    path("exports/<int:pk>/data-quality/", views.quality, name="quality"),
]
