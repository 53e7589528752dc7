from django.urls import URLPattern, URLResolver, path

from hearth.workforce import views

app_name = "workforce"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.team, name="team"),
    path("workers/<int:pk>/", views.worker, name="worker"),
    path("workers/<int:pk>/leave/", views.leave_add, name="leave_add"),
    path("workers/<int:pk>/reallocate/", views.reallocate, name="reallocate"),
    path("workers/<int:pk>/supervision/", views.worker_supervision, name="worker_supervision"),
    path("workers/<int:pk>/supervision/new/", views.supervision_new, name="supervision_new"),
    path("supervision/", views.supervision_list, name="supervision"),
    path("supervision/<int:pk>/", views.supervision_detail, name="supervision_detail"),
    path("allocations/", views.allocations, name="allocations"),
    path("allocations/history/", views.allocation_history, name="history"),
    path("duty/", views.duty, name="duty"),
    path("duty/today/", views.duty_today, name="duty_today"),
    path("brief/", views.brief, name="brief"),
    path("sign-off/", views.sign_off, name="sign_off"),
    path(
        "children/<int:person_id>/supervision/", views.child_supervision, name="child_supervision"
    ),
]
