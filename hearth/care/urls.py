from django.urls import URLPattern, URLResolver, path

from hearth.care import views

app_name = "care"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.children, name="children"),
    path("children/<int:person_id>/", views.summary, name="summary"),
    path("children/<int:person_id>/start/", views.start, name="start"),
    path("periods/<int:pk>/move/", views.move, name="move"),
    path("periods/<int:pk>/end/", views.end, name="end"),
    path("periods/<int:pk>/reviews/new/", views.review, name="review"),
    path("periods/<int:pk>/search/", views.placement_search, name="search"),
    path("placements/<int:pk>/notice/", views.notice, name="notice"),
    path("placements/<int:pk>/visits/new/", views.visit, name="visit"),
    path("periods/<int:pk>/missing/new/", views.missing, name="missing"),
    path("missing/<int:pk>/return/", views.missing_return, name="missing_return"),
    path("periods/<int:pk>/health/new/", views.health, name="health"),
    path("periods/<int:pk>/pep/new/", views.pep, name="pep"),
    path("periods/<int:pk>/care-plan/", views.care_plan, name="care_plan"),
    path("periods/<int:pk>/adoption/", views.adoption, name="adoption"),
    path("periods/<int:pk>/iro-contacts/new/", views.iro_contact, name="iro_contact"),
    path("placements/<int:pk>/facts/", views.facts, name="facts"),
    path("children/<int:person_id>/contacts/new/", views.contact, name="contact"),
    path("children/<int:person_id>/leaving-care/", views.care_leaver, name="care_leaver"),
    path("carers/", views.carers, name="carers"),
    path("carers/new/", views.carer_edit, name="carer_new"),
    path("carers/<int:pk>/", views.carer_edit, name="carer_edit"),
    path("adopters/", views.adopter_families, name="adopters"),
    path("adopters/new/", views.adopter_family_edit, name="adopter_new"),
    path("adopters/<int:pk>/", views.adopter_family_edit, name="adopter_edit"),
]
