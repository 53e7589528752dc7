from django.urls import path

from hearth.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/addresses/add/", views.address_form, name="address_add"),
    path("<int:pk>/addresses/<int:address_id>/edit/", views.address_form, name="address_edit"),
    path("<int:pk>/record-access/", views.history, name="history"),
    path("<int:pk>/restricted/", views.break_glass, name="break_glass"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/<int:pk>/", views.duplicate, name="duplicate"),
    path("merges/<int:pk>/", views.merge_detail, name="merge"),
]
