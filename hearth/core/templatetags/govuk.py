"""Template tags that write GOV.UK Frontend markup for Django forms and values.

`{% field form.name %}` renders label, hint, error message and control for text
inputs, selects, textareas, radios, checkboxes and the date input;
`{% error_summary form %}` renders the error summary linking to each field;
`page|pagination:request` gives the links the pagination component needs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms, template
from django.core.paginator import Page
from django.forms.boundfield import BoundField
from django.http import HttpRequest

from hearth.core.forms import DateInput

register = template.Library()


def _kind(widget: forms.Widget) -> str:
    if isinstance(widget, DateInput):
        return "date"
    # Before RadioSelect: Django's CheckboxSelectMultiple is a subclass of it.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


@register.inclusion_tag("components/field.html")
def field(
    bound: BoundField, label_class: str = "govuk-label--s", width: str = ""
) -> dict[str, Any]:
    widget = bound.field.widget
    kind = _kind(widget)
    value = bound.value()
    date_parts: list[Any] = []
    if kind == "date":
        raw = value if isinstance(value, list | tuple) else widget.decompress(value)
        date_parts = [
            {
                "name": f"{bound.html_name}_{i}",
                "id": f"{bound.auto_id}_{i}",
                "label": lbl,
                "value": raw[i] if raw and raw[i] is not None else "",
                "width": w,
            }
            for i, (lbl, w) in enumerate((("Day", 2), ("Month", 2), ("Year", 4)))
        ]
    options = []
    if kind in {"radios", "checkboxes", "select"}:
        selected = {
            str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v is not None
        }
        for i, (val, text) in enumerate(bound.field.choices):  # type: ignore[attr-defined]
            options.append(
                {
                    "value": val,
                    "text": text,
                    "id": f"{bound.auto_id}_{i}",
                    "checked": str(val) in selected,
                }
            )
    if isinstance(widget, forms.PasswordInput) and not widget.render_value:
        value = None  # a password typed is never sent back in the page
    return {
        "f": bound,
        "kind": kind,
        "id": bound.auto_id if kind != "date" else f"{bound.auto_id}_0",
        "value": "" if value is None or kind in {"checkbox"} else value,
        "checked": bool(value) if kind == "checkbox" else False,
        "errors": bound.errors,
        "label_class": label_class,
        "width": width,
        "date_parts": date_parts,
        "options": options,
        "input_type": getattr(widget, "input_type", "text"),
        "attrs": widget.attrs,
    }


@register.inclusion_tag("components/error_summary.html")
def error_summary(*forms_: forms.BaseForm | None) -> dict[str, Any]:
    items = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for message in form.non_field_errors():
            items.append({"text": message, "href": ""})
        for name, errs in form.errors.items():
            if name == "__all__":
                continue
            bound = form[name]
            anchor = bound.auto_id
            # Grouped controls: link to the first box or option.
            grouped = DateInput | forms.RadioSelect | forms.CheckboxSelectMultiple
            if isinstance(bound.field.widget, grouped):
                anchor = f"{anchor}_0"
            for message in errs:
                items.append({"text": message, "href": f"#{anchor}"})
    return {"items": items}


@register.filter
def govuk_date(value: dt.date | dt.datetime | None) -> str:
    """7 March 2026; blank for none."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.day} {value:%B %Y} {value:%H:%M}"
    return f"{value.day} {value:%B %Y}"


@register.filter
def pagination(page: Page[Any], request: HttpRequest) -> dict[str, Any]:
    """Previous and next links and the page numbers around the current page (first,
    last and neighbours; an ellipsis for the rest), keeping the other query terms."""

    def href(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return f"?{query.urlencode()}"

    paginator = page.paginator
    items: list[dict[str, Any]] = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            n = int(number)
            items.append({"number": n, "href": href(n), "current": n == page.number})
    return {
        "previous": href(page.previous_page_number()) if page.has_previous() else "",
        "next": href(page.next_page_number()) if page.has_next() else "",
        "items": items,
    }
