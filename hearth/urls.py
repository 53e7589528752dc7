from django.contrib import admin
from django.urls import include, path

from hearth.core.views import healthz

urlpatterns = [
    path("", include("hearth.core.urls")),
    path("accounts/", include("hearth.accounts.urls")),
    path("people/", include("hearth.people.urls")),
    path("front-door/", include("hearth.frontdoor.urls")),
    path("casework/", include("hearth.casework.urls")),
    path("care/", include("hearth.care.urls")),
    path("team/", include("hearth.workforce.urls")),
    path("documents/", include("hearth.documents.urls")),
    path("insights/", include("hearth.insights.urls")),
    path("returns/", include("hearth.returns.urls")),
    path("api/v1/", include("hearth.api.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz),
]
