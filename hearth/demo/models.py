"""What the synthetic authority knows that its records do not say."""

from __future__ import annotations

from django.db import models


class SyntheticTruth(models.Model):
    """Generated person records that are really the same person.

    The generator gives about 1% of children a second, mistyped record; both records
    get a row with the same `identity` (the original record's id). A person without
    a row is a person of their own. Duplicate-detection benchmarks score against this.
    """

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    identity = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person"], name="one_truth_per_person")]

    def __str__(self) -> str:
        return f"person {self.person_id} is identity {self.identity}"
