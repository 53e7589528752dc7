"""One error shape for the whole API: RFC 9457 problem details.

Every error answer is ``application/problem+json`` with ``type``, ``title``,
``status`` and ``detail``; a validation error adds ``errors``, a list of messages
for each field that was wrong. A field inside a list is named by its path, as
``people[1].date_of_birth``; errors about the request as a whole are under
``request``, and a body that could not be read at all under ``body``. Endpoints get
this by inheriting `ProblemAPIView` (the handler is set per view so the project's DRF
settings need not change); a view raises `Problem` for an answer of its own (a 409,
413 or 422).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
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
    status.HTTP_409_CONFLICT: "Conflict",
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: "Content too large",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "Unsupported media type",
    status.HTTP_422_UNPROCESSABLE_ENTITY: "Unprocessable content",
    status.HTTP_429_TOO_MANY_REQUESTS: "Too many requests",
}


def _messages(detail: Any) -> list[str]:
    if isinstance(detail, list):
        return [m for item in detail for m in _messages(item)]
    if isinstance(detail, dict):
        return [m for item in detail.values() for m in _messages(item)]
    return [str(detail)]


def field_errors(detail: Any, path: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {field path: [messages]}."""
    out: dict[str, list[str]] = {}

    def add(name: str, messages: list[str]) -> None:
        if messages:
            out.setdefault(name or "request", []).extend(messages)

    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in ("non_field_errors", api_settings.NON_FIELD_ERRORS_KEY):
                name = path
            elif isinstance(key, int):
                name = f"{path}[{key}]"
            else:
                name = f"{path}.{key}" if path else str(key)
            for k, v in field_errors(value, name).items():
                add(k, v)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                name = f"{path}[{index}]" if isinstance(item, dict) else path
                for k, v in field_errors(item, name).items():
                    add(k, v)
            else:
                add(path, [str(item)])
    else:
        add(path, [str(detail)])
    return out


class Problem(exceptions.APIException):
    """An error answer a view chooses: its status, a type URI, the words, and field
    errors where there are some."""

    def __init__(
        self,
        status_code: int,
        *,
        detail: str,
        type_: str = "about:blank",
        title: str | None = None,
        errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.type_ = type_
        self.title = title
        self.errors = errors


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
    if isinstance(exc, Problem):
        body = problem(exc.status_code, detail=str(exc.detail), title=exc.title, type_=exc.type_)
        if exc.errors:
            body["errors"] = exc.errors
    elif isinstance(exc, exceptions.ValidationError | exceptions.ParseError):
        unreadable = isinstance(exc, exceptions.ParseError)
        body = problem(
            response.status_code,
            title="Your request has errors",
            detail="The body could not be read: send JSON as described in the API document."
            if unreadable
            else "Correct the fields named in errors and try again.",
            type_=VALIDATION_TYPE,
        )
        body["errors"] = (
            {"body": _messages(response.data)} if unreadable else field_errors(exc.detail)
        )
    else:
        body = problem(response.status_code, detail=" ".join(_messages(response.data)))
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


class AsciiJSONRenderer(JSONRenderer):
    """JSON with every character outside ASCII escaped. An error message may quote
    what was sent, and a lone surrogate (valid in JSON text, not in UTF-8) would
    otherwise break the answer into a server error."""

    ensure_ascii = True


class ProblemAPIView(APIView):
    """Base for every Hearth API view: errors come back as problem details."""

    renderer_classes = [AsciiJSONRenderer]

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
