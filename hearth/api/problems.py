"""One error shape for the whole API: RFC 9457 problem details.

Every error answer is ``application/problem+json`` with ``type``, ``title``,
``status`` and ``detail``; a validation error adds ``errors``, a list of messages
for each field that was wrong. Endpoints get this by inheriting `ProblemAPIView`
(the handler is set per view so the project's DRF settings need not change).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
VALIDATION_TYPE = "urn:hearth:problem:validation"

_TITLES = {
    status.HTTP_400_BAD_REQUEST: "Bad request",
    status.HTTP_401_UNAUTHORIZED: "Sign in required",
    status.HTTP_403_FORBIDDEN: "Forbidden",
    status.HTTP_404_NOT_FOUND: "Not found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "Method not allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "Not acceptable",
    status.HTTP_429_TOO_MANY_REQUESTS: "Too many requests",
}


def _messages(detail: Any) -> list[str]:
    if isinstance(detail, list):
        return [m for item in detail for m in _messages(item)]
    if isinstance(detail, dict):
        return [m for item in detail.values() for m in _messages(item)]
    return [str(detail)]


def problem(
    status_code: int, *, detail: str, title: str | None = None, type_: str = "about:blank"
) -> dict[str, Any]:
    return {
        "type": type_,
        "title": title or _TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
    }


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with its answer rewritten as a problem document. Anything DRF
    does not handle (a bug) is left to Django's 500 page, which shows no details."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"request": exc.detail}
        body = problem(
            response.status_code,
            title="Your request has errors",
            detail="Correct the fields named in errors and try again.",
            type_=VALIDATION_TYPE,
        )
        body["errors"] = {str(field): _messages(msgs) for field, msgs in errors.items()}
    else:
        body = problem(response.status_code, detail=" ".join(_messages(response.data)))
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


class ProblemAPIView(APIView):
    """Base for every Hearth API view: errors come back as problem details."""

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        return problem_exception_handler


# The error shape, for the OpenAPI document ("errors" would clash with a serializer
# attribute of that name, so the schema is built inline).
PROBLEM_SCHEMA = inline_serializer(
    name="Problem",
    fields={
        "type": serializers.CharField(),
        "title": serializers.CharField(),
        "status": serializers.IntegerField(),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), required=False
        ),
    },
)
