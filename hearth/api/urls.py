from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from hearth.api import people

app_name = "api"

urlpatterns = [
    path("people/search", people.PeopleSearchView.as_view(), name="people-search"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
