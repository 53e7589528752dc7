"""The authority's own settings for the timescale engine, managed in the admin.

The rules themselves are data files in `rules/` (reviewed like code, the same for every
authority). What differs between authorities lives here:

- `LocalClosure`: days the authority is closed (between Christmas and New Year, say);
  they are not working days.
- `LocalTarget`: the authority's value for a rule that allows one: the timescale of a
  rule that is local practice only (child protection visits, reports to the chair), or
  a stricter target beside a statutory timescale (assessments in 35 working days
  against the statutory 45). Targets are kept in the database rather than a settings
  file so that the people who own local procedures can change them, each change is in
  the audit log, and the change recomputes the due dates it moves.

Both are written only through `services.py`, which audits and recomputes.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models

from hearth.timescales.calendar import england_bank_holidays
from hearth.timescales.rules import UNIT_CHOICES, NoRuleError, Offset, Unit, is_stricter


class LocalClosure(models.Model):
    date = models.DateField(unique=True)
    reason = models.CharField(
        max_length=200,
        help_text="Shown when a deadline moves because of it, e.g. Christmas closure",
    )

    class Meta:
        ordering = ["date"]
        verbose_name = "local closure day"

    def __str__(self) -> str:
        return f"{self.date:%d %B %Y}: {self.reason}"

    def clean(self) -> None:
        if self.date is None:
            return
        day = f"{self.date:%A} {self.date.day} {self.date:%B %Y}"
        if self.date.weekday() >= 5:
            raise ValidationError({"date": f"{day} is already not a working day"})
        if name := england_bank_holidays(self.date.year).get(self.date):
            raise ValidationError({"date": f"{day} is already a bank holiday ({name})"})


class LocalTarget(models.Model):
    """The authority's value for one rule, from `valid_from` (and until `valid_to`)."""

    rule_code = models.CharField(max_length=80)
    amount = models.IntegerField(help_text="Negative for a deadline before the event")
    unit = models.CharField(max_length=20, choices=UNIT_CHOICES)
    repeat_amount = models.IntegerField(
        null=True, blank=True, help_text="For a repeating rule: the interval after the first"
    )
    repeat_unit = models.CharField(max_length=20, choices=UNIT_CHOICES, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    reason = models.CharField(
        max_length=300,
        help_text="The local document that sets this target, e.g. Child protection procedures "
        "2026, section 4.3. Shown beside every due date it produces.",
    )

    class Meta:
        ordering = ["rule_code", "valid_from"]
        verbose_name = "local timescale"
        constraints = [
            models.UniqueConstraint(
                fields=["rule_code", "valid_from"], name="one_local_target_per_start"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="local_target_valid_to_after_from",
            ),
            models.CheckConstraint(
                condition=models.Q(repeat_amount__isnull=True, repeat_unit="")
                | (models.Q(repeat_amount__isnull=False) & ~models.Q(repeat_unit="")),
                name="local_target_repeat_amount_and_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_code}: {self.offset.describe()} from {self.valid_from:%d %B %Y}"

    @property
    def offset(self) -> Offset:
        return Offset(self.amount, Unit(self.unit))

    @property
    def repeat_offset(self) -> Offset | None:
        if self.repeat_amount is None or not self.repeat_unit:
            return None
        return Offset(self.repeat_amount, Unit(self.repeat_unit))

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def clean(self) -> None:
        from hearth.timescales.engine import rulebook  # the engine imports this module

        if not self.rule_code or not self.unit or self.amount is None or not self.valid_from:
            return  # field errors are reported by the fields themselves
        try:
            versions = [
                r
                for r in rulebook().versions(self.rule_code)
                if r.overlaps(self.valid_from, self.valid_to)
            ]
        except NoRuleError:
            raise ValidationError(
                {"rule_code": "There is no timescale rule with this code"}
            ) from None
        if not versions:
            raise ValidationError({"valid_from": "The rule is not in force during these dates"})
        errors: dict[str, str] = {}
        if bool(self.repeat_amount is not None) != bool(self.repeat_unit):
            errors["repeat_unit"] = "Give both the repeat interval and its unit, or neither"
        for r in versions:
            if not r.allows_local_setting:
                errors["rule_code"] = f"{r.title} is a statutory timescale without a local target"
                break
            if r.repeat is None and self.repeat_amount is not None:
                errors["repeat_amount"] = f"{r.title} does not repeat"
            if r.local:
                continue
            # A target beside a statutory timescale may only be stricter than it.
            if not is_stricter(self.offset, r.offset):
                errors["amount"] = (
                    f"A local target must be stricter than the statutory {r.offset.describe()}, "
                    "in the same unit"
                )
            repeat = self.repeat_offset
            if r.repeat and repeat and not is_stricter(repeat, r.repeat.offset):
                errors["repeat_amount"] = (
                    f"A local target must be stricter than the statutory "
                    f"{r.repeat.offset.describe()}, in the same unit"
                )
        if self.unit == Unit.WORKING_HOURS and self.amount < 0:
            errors["amount"] = "Working-hour timescales run forwards only"
        clashing = LocalTarget.objects.filter(rule_code=self.rule_code).exclude(pk=self.pk)
        if self.valid_to is not None:
            clashing = clashing.filter(valid_from__lte=self.valid_to)
        clashing = clashing.filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=self.valid_from)
        )
        if clashing.exists():
            errors["valid_from"] = (
                "Another local timescale for this rule covers some of these dates; "
                "end it first (set its 'valid to')"
            )
        if errors:
            raise ValidationError(errors)
