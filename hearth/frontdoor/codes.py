"""The front door's code lists: who made a contact (everyday names mapped to the CIN
ReferralSource codes), what the concern is about, and the decisions' outcome words."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from hearth.accounts.models import OrganisationKind
from hearth.core.codelists import CODELIST_DIR, codelist


@dataclass(frozen=True)
class ReferrerKind:
    key: str
    label: str
    code: str  # CIN ReferralSource

    @property
    def anonymous(self) -> bool:
        return self.key == "anonymous"


@cache
def referrer_kinds() -> tuple[ReferrerKind, ...]:
    """The everyday names in `referral_source.toml`, each checked against the code list."""
    with (CODELIST_DIR / "referral_source.toml").open("rb") as f:
        rows = tomllib.load(f)["referrers"]
    sources = codelist("referral_source")
    kinds = tuple(ReferrerKind(key=r["key"], label=r["label"], code=str(r["code"])) for r in rows)
    for kind in kinds:
        if sources.get(kind.code) is None:
            raise ValueError(f"referral_source.toml: {kind.key} maps to unknown code {kind.code}")
    return kinds


def referrer_kind(key: str) -> ReferrerKind | None:
    return next((k for k in referrer_kinds() if k.key == key), None)


def referrer_choices() -> list[tuple[str, str]]:
    return [(k.key, k.label) for k in referrer_kinds()]


# Who a partner agency's own referral comes from, unless the partner says otherwise.
PARTNER_REFERRER: dict[str, str] = {
    OrganisationKind.POLICE: "police",
    OrganisationKind.HEALTH: "hospital",
    OrganisationKind.EDUCATION: "school",
    OrganisationKind.PROBATION: "legal",
    OrganisationKind.HOUSING: "housing",
    OrganisationKind.ADULT_SERVICES: "adult_social_care",
    OrganisationKind.OTHER_LA: "other_la",
    OrganisationKind.OTHER: "voluntary",
}


def category_label(code: str) -> str:
    return codelist("concern_category").label(code)


def category_choices() -> list[tuple[str, str]]:
    return codelist("concern_category").choices()
