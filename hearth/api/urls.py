from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authentication import SessionAuthentication

from hearth.api import people, referrals
from hearth.api.authentication import ApiTokenAuthentication

app_name = "api"

urlpatterns = [
    path("people/search", people.PeopleSearchView.as_view(), name="people-search"),
    path("referrals", referrals.ReferralListView.as_view(), name="referrals"),
    path("referrals/<int:pk>", referrals.ReferralDetailView.as_view(), name="referral"),
    path(
        "referrals/<int:pk>/attachments",
        referrals.ReferralAttachmentView.as_view(),
        name="referral-attachments",
    ),
    # Staff signed in to the pages, and partner organisations with their token.
    path(
        "schema/",
        SpectacularAPIView.as_view(
            authentication_classes=[SessionAuthentication, ApiTokenAuthentication]
        ),
        name="schema",
    ),
]
