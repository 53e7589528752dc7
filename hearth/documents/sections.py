"""The sections of each kind of report, as data: key, heading, hint, and whether the
report can be submitted without it.

The headings follow Working Together to Safeguard Children 2023 (chapter 2 on
assessment: the child's voice, the family's and professionals' views, analysis; chapter
3 on conferences: the social work report "should include" the child's wishes and
feelings, the parents' views, the other agencies' information, and an analysis and
recommendation). The wording is Hearth's.
"""

from __future__ import annotations

from dataclasses import dataclass

from hearth.documents.models import ReportKind


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    hint: str = ""
    required: bool = False


CHILD = Section("child", "About the child", "Name, date of birth, who they live with")
CHILD_VOICE = Section(
    "child_voice",
    "The child's voice",
    "The child's own words, wishes and feelings, and when and how they were seen",
    required=True,
)
FAMILY = Section("family_views", "The family's views", "What the parents and carers say")
ANALYSIS = Section(
    "analysis", "Analysis", "What the information means for the child's safety", required=True
)
RECOMMENDATION = Section(
    "recommendation", "Recommendation", "What you recommend, and why", required=True
)

SECTIONS: dict[str, tuple[Section, ...]] = {
    ReportKind.ASSESSMENT: (
        CHILD,
        Section("reason", "Why the child was assessed", "The referral and the concerns"),
        CHILD_VOICE,
        FAMILY,
        Section("professional_views", "Professionals' views"),
        ANALYSIS,
        RECOMMENDATION,
    ),
    ReportKind.ICPC: (
        CHILD,
        Section("reason", "Why this conference", "The section 47 enquiry and what it found"),
        CHILD_VOICE,
        FAMILY,
        Section("agency_views", "What other agencies know", "From the strategy discussion"),
        ANALYSIS,
        RECOMMENDATION,
    ),
    ReportKind.REVIEW: (
        CHILD,
        Section("reason", "Why this conference", "The plan under review"),
        CHILD_VOICE,
        FAMILY,
        Section("plan", "Progress against the plan", "Each action, its owner and progress"),
        Section("agency_views", "What other agencies know"),
        ANALYSIS,
        RECOMMENDATION,
    ),
}


def sections_for(kind: str) -> tuple[Section, ...]:
    return SECTIONS[kind]


def missing_sections(kind: str, texts: dict[str, str]) -> list[Section]:
    """The required sections left empty: a report is not submitted without them."""
    return [s for s in SECTIONS[kind] if s.required and not (texts.get(s.key) or "").strip()]
