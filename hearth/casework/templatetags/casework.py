"""`code_label`: a CIN code with its meaning, from the code-list data files.

{{ plan.latest_category|code_label:"category_of_abuse" }}   ->  "NEG: Neglect"
"""

from __future__ import annotations

from django import template

from hearth.accounts.models import Role
from hearth.core.codelists import codelist

register = template.Library()


@register.filter
def code_label(code: str, list_name: str) -> str:
    if not code:
        return ""
    return f"{code}: {codelist(list_name).label(code)}"


@register.filter
def code_labels(codes: list[str], list_name: str) -> list[str]:
    return [code_label(c, list_name) for c in codes or []]


@register.filter
def role_label(role: str) -> str:
    """ "reviewing_officer" -> "Reviewing officer / conference chair"."""
    return str(Role(role).label) if role in Role.values else role
