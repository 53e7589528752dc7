from django.urls import path

from hearth.frontdoor import partner_views, views

app_name = "frontdoor"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("contacts/new/", views.contact_form, name="contact_new"),
    path("contacts/autosave/", views.contact_autosave, name="autosave"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("contacts/<int:pk>/edit/", views.contact_form, name="contact_edit"),
    path("contacts/<int:pk>/people/new/", views.contact_person_new, name="person_new"),
    path("contacts/<int:pk>/rating/", views.contact_rate, name="rate"),
    path("contacts/<int:pk>/requests/", views.requests_send, name="requests_send"),
    path("contacts/<int:pk>/decision/", views.contact_decide, name="decide"),
    path("contacts/<int:pk>/authorise/", views.contact_authorise, name="authorise"),
    path("contacts/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "contacts/<int:pk>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("people/search/", views.person_search, name="person_search"),
    path("flags/<int:pk>/acknowledge/", views.flag_acknowledge, name="flag_acknowledge"),
    path("requests/", views.chase_list, name="chase_list"),
    path("requests/<int:pk>/chase/", views.request_chase, name="chase"),
    path("partner/requests/", views.partner_requests, name="partner_requests"),
    path("partner/requests/<int:pk>/", views.partner_request, name="partner_request"),
    path("partner/referrals/", partner_views.referrals, name="partner_referrals"),
    path("partner/referrals/new/", partner_views.referral_new, name="partner_referral_new"),
    path("partner/referrals/<int:pk>/", partner_views.referral, name="partner_referral"),
    path(
        "partner/referrals/<int:pk>/files/",
        partner_views.referral_file_add,
        name="partner_referral_file",
    ),
]
