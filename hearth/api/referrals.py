"""Partner referrals through the API: send one (with an `Idempotency-Key`), send a
photograph or document with it, and read the status and outcome of the organisation's
own referrals. Only a partner organisation's token may call these; a referral of
another organisation, or anything that is not a partner referral, is not found.

Every call, refused ones included, leaves an entry in the audit log with its method,
path, status, token key id, organisation, idempotency key and whether it was replayed:
`api.request`, or for a referral made, the front door's own entry for the referral
(`frontdoor.contact.partner_referral`) with those under `api`. One entry, not two, for
the busiest call: the audit log's chain is locked from an entry to its commit.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from hearth.accounts.models import User
from hearth.api.authentication import ApiTokenAuthentication, key_id_sent
from hearth.api.models import ApiToken, IdempotentRequest
from hearth.api.permissions import IsPartnerToken
from hearth.api.problems import PROBLEM_CONTENT_TYPE, PROBLEM_SCHEMA, Problem, ProblemAPIView
from hearth.api.services import is_service_user
from hearth.audit.models import Action
from hearth.audit.services import audit_record
from hearth.frontdoor import partner_selectors as selectors
from hearth.frontdoor import services as frontdoor
from hearth.frontdoor.codes import category_choices, referrer_choices
from hearth.frontdoor.models import Consent, Contact, ContactStatus, SubjectRole
from hearth.frontdoor.partner_forms import MAX_PEOPLE, validate_phone
from hearth.people.identifiers import validate_nhs_number

IDEMPOTENCY_HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII: a UUID is the usual choice
# Names the contact tokens made from idempotency keys (uuid5 of organisation and key),
# so the front door's own double-submission guard holds for API retries too.
_TOKEN_NAMESPACE = uuid.UUID("4f8c1b7e-2d0a-4c55-9a57-3e2f0b6d9c11")
KEY_REUSED = "urn:hearth:problem:idempotency-key-reused"
DECIDED = "urn:hearth:problem:referral-decided"
TOO_BIG = "urn:hearth:problem:file-too-large"


# --- Request and response shapes ---------------------------------------------------


class StrictSerializer(serializers.Serializer[Any]):
    """Refuses fields it does not know, so a misspelt name is an error, not a silent
    loss of what was sent."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(str(k) for k in data if k not in self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {k: ["Not a field of this request: see the API document"] for k in unknown}
                )
        return super().to_internal_value(data)


_SURROGATE = re.compile("[\ud800-\udfff]")


class LongTextField(serializers.CharField):
    """A CharField for long text. DRF refuses lone surrogates (which cannot be stored
    as UTF-8) with a Python loop over every character; one regular expression does
    the same for a few thousand characters at a fraction of the cost."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitSurrogateCharactersValidator)
        ]

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if _SURROGATE.search(value):
            raise serializers.ValidationError("Surrogate characters are not allowed")
        return value


def _django_check(check: Any, value: str) -> str:
    if not value:
        return ""
    try:
        return str(check(value))
    except DjangoValidationError as e:
        raise serializers.ValidationError(e.messages) from e


class ReportedPersonSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=SubjectRole.choices)
    given_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(
        required=False, allow_null=True, input_formats=["%Y-%m-%d"], help_text="YYYY-MM-DD"
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    nhs_number = serializers.CharField(
        max_length=14, required=False, allow_blank=True, help_text="10 digits"
    )

    def validate_nhs_number(self, value: str) -> str:
        return _django_check(validate_nhs_number, value)

    def validate_date_of_birth(self, value: Any) -> Any:
        if value is not None and value.year < 1900:
            raise serializers.ValidationError("The date of birth must be after 1900")
        return value


class ReferralCreateSerializer(StrictSerializer):
    concern = LongTextField(max_length=50_000, help_text="What the referrer has seen or been told")
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=[]),
        allow_empty=False,
        max_length=20,
        help_text="Codes of the concern_category code list, e.g. physical_injury, neglect",
    )
    people = ReportedPersonSerializer(  # type: ignore[call-arg]  # DRF takes max_length
        many=True,
        allow_empty=False,
        max_length=MAX_PEOPLE,
        help_text="Each child the concern is about (at least one), and any adult who "
        "matters to it, as the referrer knows them",
    )
    consent = serializers.ChoiceField(
        choices=Consent.choices, help_text="Whether the family agreed to sharing"
    )
    consent_reason = LongTextField(
        max_length=5_000,
        required=False,
        allow_blank=True,
        help_text="Why consent was not given or not sought (needed unless given)",
    )
    referrer_kind = serializers.ChoiceField(
        choices=[],
        required=False,
        help_text="The service referring (sets the CIN referral source); the "
        "organisation's usual one if left out",
    )
    referrer_name = serializers.CharField(
        max_length=150,
        required=False,
        help_text="The professional making the referral; needed when the token acts "
        "as the organisation's service user, otherwise the token's user",
    )
    referrer_email = serializers.EmailField(required=False, allow_blank=True)
    referrer_role = serializers.CharField(max_length=100)
    referrer_phone = serializers.CharField(
        max_length=30, help_text="A number the front door can call back"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Code lists are read per request, so choices follow their validity dates.
        categories = self.fields["categories"]
        assert isinstance(categories, serializers.ListField)
        assert isinstance(categories.child, serializers.ChoiceField)
        categories.child.choices = category_choices()
        kinds = self.fields["referrer_kind"]
        assert isinstance(kinds, serializers.ChoiceField)
        kinds.choices = referrer_choices()

    def validate_referrer_phone(self, value: str) -> str:
        return _django_check(validate_phone, value)


class ReferralSerializer(serializers.Serializer[Any]):
    """What a referrer may be told: never what the front door found or decided in
    detail (a strategy discussion reads as any referral)."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    received_at = serializers.DateTimeField()
    status = serializers.ChoiceField(
        choices=selectors.ReferralStatus.choices,
        help_text="received: not yet started; being_screened: the front door is looking "
        "into it; decided: the decision is authorised",
    )
    outcome = serializers.CharField(
        allow_null=True, help_text="Once decided, the outcome in the words of the letter"
    )
    decided_at = serializers.DateTimeField(allow_null=True)


class AttachmentUploadSerializer(StrictSerializer):
    file = serializers.FileField(
        help_text="A JPG or PNG photograph, a PDF or a Word document (DOCX); 20 MB at most "
        "unless the authority set another limit"
    )
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)


class AttachmentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    kind = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes, as stored")
    metadata_removed = serializers.BooleanField(
        help_text="A photograph's location and camera details were removed"
    )
    uploaded_at = serializers.DateTimeField()


def referral_body(contact: Contact, *, new: bool = False) -> dict[str, Any]:
    """The referral as the referrer may see it; `new`: just made, so nobody has
    started on it (no need to ask the database)."""
    decided = contact.status == ContactStatus.DECIDED
    status_now = selectors.referral_status(contact, screening_started=False if new else None)
    return {  # the shape of ReferralSerializer (which documents it), built directly
        "id": contact.pk,
        "reference": contact.reference,
        "received_at": _when(contact.received_at),
        "status": status_now.value,
        "outcome": selectors.referral_outcome(contact) or None,
        "decided_at": _when(contact.authorised_at) if decided else None,
    }


_WHEN = serializers.DateTimeField()


def _when(value: Any) -> str | None:
    return None if value is None else _WHEN.to_representation(value)


# --- The base view: token, permission, problems, audit -----------------------------


class PartnerAPIView(ProblemAPIView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsPartnerToken]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.audit_data: dict[str, Any] = {}
        self.audit_obj: Contact | None = None
        self.audited = False
        super().initial(request, *args, **kwargs)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if not getattr(self, "audited", False):
            self.audit_call(request, response.status_code)
        return response

    def call_details(self, request: Request, status_code: int) -> dict[str, Any]:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        return {
            "method": request.method,
            "path": request.path[:200],
            "status": status_code,
            "token": token.key_id if token else key_id_sent(request),
            "organisation": token.organisation_id if token else None,
            **getattr(self, "audit_data", {}),
        }

    def audit_call(self, request: Request, status_code: int) -> None:
        """The call's `api.request` entry in the audit log."""
        self.audited = True
        try:
            user = request.user
        except exceptions.APIException:  # pragma: no cover - authentication already failed
            user = None
        actor = user if isinstance(user, User) and user.is_authenticated else None
        audit_record(
            actor=actor,
            action=Action.VIEW if request.method in ("GET", "HEAD") else Action.CREATE,
            event="api.request",
            obj=getattr(self, "audit_obj", None),
            data=self.call_details(request, status_code),
        )

    def token(self, request: Request) -> ApiToken:
        assert isinstance(request.auth, ApiToken)
        return request.auth


def _to_api_errors(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(
            {name: [m for e in errs for m in e.messages] for name, errs in error.error_dict.items()}
        )
    return exceptions.ValidationError({"request": error.messages})


# --- Referrals ---------------------------------------------------------------------------


class Pages(PageNumberPagination):
    page_size = 25


def problems(**described: str) -> dict[Any, OpenApiResponse]:
    """Problem answers for the OpenAPI document, as `status_<code>="what it means"`,
    documented with the media type they are sent with."""
    return {
        (int(code.removeprefix("status_")), PROBLEM_CONTENT_TYPE): OpenApiResponse(
            PROBLEM_SCHEMA, description=text
        )
        for code, text in described.items()
    }


AUTH_PROBLEMS = problems(
    status_401="No token, or not a valid one",
    status_403="The token may not use this endpoint",
)
NOT_FOUND = problems(
    status_404="No such referral of the organisation's (another organisation's referral, "
    "or a contact that is not a partner referral, is not found either)"
)


def _body_hash(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _idempotency_key(request: Request) -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None or not key.strip():
        message = "Send an Idempotency-Key header, a new one (a UUID) for each new referral"
        raise exceptions.ValidationError({IDEMPOTENCY_HEADER: [message]})
    key = key.strip()
    if not _KEY.match(key):
        message = "The Idempotency-Key must be 1 to 255 visible ASCII characters, like a UUID"
        raise exceptions.ValidationError({IDEMPOTENCY_HEADER: [message]})
    return key


class ReferralListView(PartnerAPIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="referrals_list",
        summary="The organisation's referrals",
        description="Every referral the organisation sent (form or API), newest first, "
        "with its status and, once decided, the outcome. 25 to a page.",
        tags=["referrals"],
        parameters=[OpenApiParameter("page", int, description="Page number, from 1")],
        responses={200: ReferralSerializer(many=True), **AUTH_PROBLEMS,
                   **problems(status_404="No such page")},
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        paginator = Pages()
        found = selectors.referrals_of_organisation(request.user)  # type: ignore[arg-type]
        page = paginator.paginate_queryset(found, request, view=self) or []
        self.audit_data["referrals"] = [c.pk for c in page]
        return paginator.get_paginated_response([referral_body(c) for c in page])

    @extend_schema(
        operation_id="referrals_create",
        summary="Send a referral",
        description="A concern about one or more children, as the referrer knows them; it "
        "arrives on the front door's list at once and is decided within one working day. "
        "Send a new `Idempotency-Key` with each referral and the same one when retrying: "
        "the same key and body again returns the first answer (with the header "
        "`Idempotent-Replayed: true`) and makes nothing twice; the same key with another "
        "body is a 422 problem. A refused request (400) keeps nothing, so it may be "
        "corrected and sent with the same key.",
        tags=["referrals"],
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER, str, OpenApiParameter.HEADER, required=True,
                description="1 to 255 visible ASCII characters; a UUID per referral",
            )
        ],
        request=ReferralCreateSerializer,
        responses={
            201: ReferralSerializer, **AUTH_PROBLEMS,
            **problems(status_400="The request has errors, by field",
                       status_422="The Idempotency-Key was used before with another body"),
        },
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        key = _idempotency_key(request)
        token = self.token(request)
        self.audit_data.update(idempotency_key=key, replayed=False)
        digest = _body_hash(request.data)
        incoming = ReferralCreateSerializer(data=request.data)
        if not incoming.is_valid():
            # A key used before is answered as such, whatever this body is.
            earlier = _earlier(token, key)
            if earlier is not None:
                return self._replay(request, earlier, digest)
            raise exceptions.ValidationError(incoming.errors)
        data = incoming.validated_data
        user: User = request.user  # type: ignore[assignment]
        if "referrer_name" not in data and is_service_user(user):
            raise exceptions.ValidationError(
                {"referrer_name": ["Give the name of the professional making the referral"]}
            )
        default_email = "" if is_service_user(user) else None
        answer: dict[str, Any] = {}

        def keep_key(contact: Contact) -> None:
            # The key and its answer, in the referral's own transaction: if the key is
            # taken (sent again), the whole is undone and answered below.
            answer.update(referral_body(contact, new=True))
            IdempotentRequest.objects.create(
                organisation_id=token.organisation_id,
                key=key,
                method=str(request.method),
                path=request.path[:200],
                request_hash=digest,
                status_code=status.HTTP_201_CREATED,
                response=answer,
                token=token,
                contact=contact,
            )

        try:
            contact = frontdoor.referral_submit_by_partner(
                acting_user=user,
                # The key names the contact too: a request with the same key at the same
                # moment waits on this one's contact row, then finds it taken.
                token=uuid.uuid5(_TOKEN_NAMESPACE, f"{token.organisation_id}:{key}"),
                concern=data["concern"],
                categories=data["categories"],
                people=[dict(p) for p in data["people"]],
                consent=data["consent"],
                consent_reason=data.get("consent_reason", ""),
                referrer_kind=data.get("referrer_kind", ""),
                referrer_name=data.get("referrer_name"),
                referrer_email=data.get("referrer_email", default_email),
                referrer_role=data["referrer_role"],
                referrer_phone=data["referrer_phone"],
                # This call's audit entry is the referral's own (see the module).
                audit_data={"api": self.call_details(request, status.HTTP_201_CREATED)},
                on_created=keep_key,
            )
            if not answer:  # the service found the key's referral already made
                raise IntegrityError("Idempotency-Key already used")
            self.audited = True
        except (IntegrityError, PermissionDenied) as e:
            self.audited = False
            earlier = _earlier(token, key)
            if earlier is not None:
                return self._replay(request, earlier, digest)
            if isinstance(e, PermissionDenied):
                raise exceptions.PermissionDenied from None
            raise  # pragma: no cover - not the key: a bug, left to be seen
        except DjangoValidationError as e:
            self.audited = False
            raise _to_api_errors(e) from None
        return Response(answer, status=status.HTTP_201_CREATED, headers=_location(contact))

    def _replay(self, request: Request, record: IdempotentRequest, digest: str) -> Response:
        if record.request_hash != digest or record.path != request.path[:200]:
            raise Problem(
                status.HTTP_422_UNPROCESSABLE_ENTITY,
                type_=KEY_REUSED,
                title="Idempotency-Key already used",
                detail="This Idempotency-Key was sent before with a different request. "
                "Use a new key for a new referral.",
            )
        self.audit_data.update(referral=record.contact_id, replayed=True)
        headers = {"Idempotent-Replayed": "true"}
        if record.contact_id:
            headers["Location"] = reverse("api:referral", args=[record.contact_id])
        return Response(record.response, status=record.status_code, headers=headers)


def _earlier(token: ApiToken, key: str) -> IdempotentRequest | None:
    return IdempotentRequest.objects.filter(organisation_id=token.organisation_id, key=key).first()


def _location(contact: Contact) -> dict[str, str]:
    return {"Location": reverse("api:referral", args=[contact.pk])}


def _referral(request: Request, pk: int) -> Contact:
    contact = selectors.referral_for_partner(request.user, pk, organisation_wide=True)  # type: ignore[arg-type]
    if contact is None:
        raise exceptions.NotFound("No referral of your organisation has this id.")
    return contact


class ReferralDetailView(PartnerAPIView):
    @extend_schema(
        operation_id="referrals_read",
        summary="A referral's status and outcome",
        tags=["referrals"],
        responses={200: ReferralSerializer, **AUTH_PROBLEMS, **NOT_FOUND},
    )  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        contact = _referral(request, pk)
        self.audit_obj = contact
        self.audit_data["referral"] = contact.pk
        return Response(referral_body(contact))


class ReferralAttachmentView(PartnerAPIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="referrals_attachments_create",
        summary="Send a photograph or document with a referral",
        description="Until the decision on the referral is made. The file is checked by "
        "what its bytes are, not its name; a photograph's location and camera details "
        "are removed before it is kept.",
        tags=["referrals"],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={
            201: AttachmentSerializer, **AUTH_PROBLEMS, **NOT_FOUND,
            **problems(status_400="The file is missing, empty, or not a type accepted",
                       status_409="The referral is decided",
                       status_413="The file is too large"),
        },
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        contact = _referral(request, pk)
        self.audit_obj = contact
        self.audit_data["referral"] = contact.pk
        if contact.status == ContactStatus.DECIDED:
            raise Problem(
                status.HTTP_409_CONFLICT,
                type_=DECIDED,
                detail="The decision on this referral has been made: send anything more "
                "to the front door directly, or make a new referral.",
            )
        incoming = AttachmentUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            attachment = frontdoor.referral_attachment_add(
                acting_user=request.user,  # type: ignore[arg-type]
                contact=contact,
                upload=incoming.validated_data["file"],
                description=incoming.validated_data.get("description", ""),
            )
        except PermissionDenied:
            raise exceptions.NotFound("No referral of your organisation has this id.") from None
        except DjangoValidationError as e:
            if any(err.code == "too_big" for err in e.error_list):
                raise Problem(
                    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                    type_=TOO_BIG,
                    detail=" ".join(e.messages),
                    errors={"file": e.messages},
                ) from None
            raise exceptions.ValidationError({"file": e.messages}) from None
        self.audit_data["attachment"] = attachment.pk
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
