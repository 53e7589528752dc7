"""National reference figures that indicators are compared with (configurable)."""

from __future__ import annotations

from django.db import models


class NationalReference(models.Model):
    """A published England figure for one indicator, entered by a performance officer
    from the DfE statistics (for example "Characteristics of children in need",
    "Children's social work workforce") with the year and source, so every comparison
    says where its number comes from. Hearth ships none: figures change each year."""

    indicator = models.CharField(max_length=40, unique=True)
    value = models.DecimalField(max_digits=7, decimal_places=2)
    year = models.CharField(max_length=20, help_text="For example 2023-24")
    source = models.CharField(max_length=300, help_text="The publication it comes from")

    class Meta:
        ordering = ["indicator"]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.year})"

    @property
    def shown(self) -> str:
        return format(self.value.normalize(), "f")
