"""Carries the request id and client address to the audit log for the request's writes."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

request_context: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "hearth_request_context", default=None
)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_context.set(
            {"request_id": str(uuid.uuid4()), "ip": request.META.get("REMOTE_ADDR", "")}
        )
        try:
            return self.get_response(request)
        finally:
            request_context.reset(token)
