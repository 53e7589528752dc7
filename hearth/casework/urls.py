from django.urls import path

from hearth.casework import chronology_views, mywork_views, views

app_name = "casework"
urlpatterns = [
    path("my-work/", mywork_views.my_work, name="my_work"),
    path("my-work/seen/", mywork_views.my_work_seen, name="my_work_seen"),
    path("team/overdue/", mywork_views.team_overdue, name="team_overdue"),
    path("children/<int:person_id>/", views.case, name="case"),
    path(
        "children/<int:person_id>/chronology/",
        chronology_views.chronology,
        name="chronology",
    ),
    path(
        "children/<int:person_id>/chronology.pdf",
        chronology_views.chronology_pdf,
        name="chronology_pdf",
    ),
    path("children/<int:person_id>/notes/new/", views.note_new, name="note_new"),
    path("escalations/<int:pk>/done/", views.escalation_done, name="escalation_done"),
    path("episodes/<int:pk>/primary-need/", views.episode_need, name="episode_need"),
    path("episodes/<int:pk>/closure/", views.closure_request, name="closure_request"),
    path("episodes/<int:pk>/closure/sign-off/", views.closure_sign_off, name="closure_sign_off"),
    path("episodes/<int:pk>/assessments/new/", views.assessment_start, name="assessment_start"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path("assessments/<int:pk>/seen/", views.assessment_seen, name="assessment_seen"),
    path(
        "assessments/<int:pk>/authorise/", views.assessment_authorise, name="assessment_authorise"
    ),
    path("episodes/<int:pk>/strategy-discussions/new/", views.strategy_new, name="strategy_new"),
    path("strategy-discussions/<int:pk>/", views.strategy_edit, name="strategy_edit"),
    path("section-47/<int:pk>/outcome/", views.s47_outcome, name="s47_outcome"),
    path("section-47/<int:pk>/conference/", views.icpc_new, name="icpc_new"),
    path("cp-plans/<int:pk>/review/", views.review_new, name="review_new"),
    path("conferences/<int:pk>/", views.conference_edit, name="conference_edit"),
    path("conferences/<int:pk>/outcome/", views.conference_outcome, name="conference_outcome"),
    path("cp-plans/<int:pk>/core-groups/new/", views.core_group_new, name="core_group_new"),
    path("<str:parent>/<int:pk>/actions/new/", views.action_new, name="action_new"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("episodes/<int:pk>/cin-plans/new/", views.cin_plan_new, name="cin_plan_new"),
    path("cin-plans/<int:pk>/reviews/new/", views.cin_review_new, name="cin_review_new"),
    path("cin-plans/<int:pk>/end/", views.cin_plan_end, name="cin_plan_end"),
]
