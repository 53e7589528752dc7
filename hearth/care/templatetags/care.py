from __future__ import annotations

from django import template

from hearth.care import selectors
from hearth.care.models import AdopterApplication
from hearth.core.codelists import CodeList

register = template.Library()


@register.filter
def code_label(codes: CodeList, code: str) -> str:
    """The label of `code` in a code list (the code itself if it is not in the list)."""
    return codes.label(code) if code else ""


@register.filter
def adopter_stage(family: AdopterApplication) -> str:
    """Where a prospective adopter family is in the adoption process."""
    return selectors.adopter_stage(family)
