"""Programs and targeting: program definitions with versioned rule sets and quotas, the reference
lists they check (exclusion lists, UMK), and eligibility runs with their KPM lists."""

from .definitions import Program, Quota, RuleSet
from .enrollment import EligibilityRun, Enrollment
from .lists import ListEntry, ListKind, MinimumWage, ReferenceList

__all__ = [
    "Program", "RuleSet", "Quota", "ReferenceList", "ListEntry", "ListKind", "MinimumWage",
    "EligibilityRun", "Enrollment",
]
