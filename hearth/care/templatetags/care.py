from __future__ import annotations

from django import template

from hearth.core.codelists import CodeList

register = template.Library()


@register.filter
def code_label(codes: CodeList, code: str) -> str:
    """The label of `code` in a code list (the code itself if it is not in the list)."""
    return codes.label(code) if code else ""
