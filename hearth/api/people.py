"""People endpoints: the "people it may be" search."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from hearth.api.permissions import IsStaff
from hearth.api.problems import PROBLEM_SCHEMA, ProblemAPIView
from hearth.audit.models import Action
from hearth.audit.services import audit_record
from hearth.people.identifiers import validate_nhs_number, validate_postcode
from hearth.people.matching import MatchQuery, ScopedCandidate, people_match


class PeopleSearchQuerySerializer(serializers.Serializer[Any]):
    given_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    family_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    date_of_birth = serializers.DateField(
        required=False,
        allow_null=True,
        input_formats=["%Y-%m-%d"],
        help_text="YYYY-MM-DD; for an unborn child, the expected date of birth.",
    )
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=10)
    nhs_number = serializers.CharField(required=False, allow_blank=True, max_length=14)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=10)

    def validate_postcode(self, value: str) -> str:
        return self._django_check(validate_postcode, value)

    def validate_nhs_number(self, value: str) -> str:
        return self._django_check(validate_nhs_number, value)

    @staticmethod
    def _django_check(check: Any, value: str) -> str:
        if not value.strip():
            return ""
        try:
            return str(check(value))
        except DjangoValidationError as e:
            raise serializers.ValidationError(e.messages) from e

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        fields = ("given_name", "family_name", "date_of_birth", "postcode", "nhs_number")
        if not any(attrs.get(f) for f in fields):
            raise serializers.ValidationError(
                {"query": ["Enter a name, date of birth, postcode or NHS number to search for"]}
            )
        return attrs


# Response shapes, for the OpenAPI document only: the view builds the dictionaries.
CANDIDATE_SCHEMA = inline_serializer(
    name="PeopleSearchCandidate",
    many=True,
    fields={
        "id": serializers.IntegerField(),
        "local_id": serializers.CharField(),
        "name": serializers.CharField(allow_null=True, help_text="Null for a restricted record."),
        "date_of_birth": serializers.DateField(allow_null=True),
        "expected_date_of_birth": serializers.DateField(allow_null=True),
        "score": serializers.IntegerField(min_value=0, max_value=100),
        "label": serializers.ChoiceField(choices=["strong", "possible", "weak"]),
        "reasons": serializers.ListField(child=serializers.CharField()),
        "restricted": serializers.BooleanField(
            help_text="A restricted record: it exists, but its details are not shown."
        ),
    },
)
RESULT_SCHEMA = inline_serializer(name="PeopleSearchResult", fields={"results": CANDIDATE_SCHEMA})


def _result(item: ScopedCandidate) -> dict[str, Any]:
    c = item.candidate
    hidden = item.restricted
    # A restricted record shows only that it exists and how well it matches: no name,
    # no dates, and no reasons, since the reasons would tell what its details are.
    return {
        "id": c.person_id,
        "local_id": c.local_id,
        "name": None if hidden else c.name,
        "date_of_birth": None if hidden else c.date_of_birth,
        "expected_date_of_birth": None if hidden else c.expected_date_of_birth,
        "score": c.score,
        "label": str(c.label),
        "reasons": [] if hidden else list(c.reasons),
        "restricted": hidden,
    }


class PeopleSearchView(ProblemAPIView):
    """The people a name, date of birth, postcode or NHS number may be."""

    permission_classes = [IsStaff]

    @extend_schema(
        operation_id="people_search",
        summary="Find the people a record may be",
        description=(
            "Ranked candidates for a name, date of birth, postcode or NHS number (any may "
            "be missing), each with a score of 0-100, a label (strong, possible, weak) "
            "and the reasons. Robust to typos, nicknames, changed family names, day and "
            "month swapped and old addresses. A brother, sister or twin is never labelled "
            "strong. Only people in the caller's scope are returned; restricted records "
            "show no details. Every search is recorded in the audit log."
        ),
        parameters=[PeopleSearchQuerySerializer],
        responses={
            200: RESULT_SCHEMA,
            400: OpenApiResponse(PROBLEM_SCHEMA, description="The query is not valid"),
            403: OpenApiResponse(PROBLEM_SCHEMA, description="Not signed in, or a partner"),
        },
    )
    def get(self, request: Request) -> Response:
        params = PeopleSearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        query = MatchQuery(
            given_name=data.get("given_name", ""),
            family_name=data.get("family_name", ""),
            date_of_birth=data.get("date_of_birth"),
            postcode=data.get("postcode", ""),
            nhs_number=data.get("nhs_number", ""),
        )
        found = people_match(request.user, query, limit=data["limit"])  # type: ignore[arg-type]
        results = [_result(item) for item in found]
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action=Action.SEARCH,
            event="people.match",
            data={
                "query": {k: v for k, v in data.items() if v not in ("", None) and k != "limit"},
                "results": [r["id"] for r in results],
            },
        )
        return Response({"results": results})
