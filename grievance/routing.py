"""Routing and escalation as data: the default rule per category (the `RoutingRule` table may
override it per region), the region each unit sits at, and the unit one level up."""

from .models import Category, Unit

# category: (unit, SLA hours). Seeded into RoutingRule by migration 0002; edit the table, not this.
DEFAULT_RULES: dict[str, tuple[str, int]] = {
    Category.NOT_RECEIVING: (Unit.VILLAGE, 72),
    Category.CARD_PROBLEM: (Unit.CHANNEL, 72),
    Category.BALANCE_SHORT: (Unit.CHANNEL, 72),
    Category.EWARONG_GOODS: (Unit.EWARONG_SUPERVISOR, 72),
    Category.POS_PAYMENT: (Unit.CHANNEL, 48),
    Category.WRONG_DATA: (Unit.VILLAGE, 168),
    Category.TARGETING_ERROR: (Unit.DINSOS_KABUPATEN, 168),
    Category.CONDUCT: (Unit.DINSOS_KABUPATEN, 120),
    Category.OTHER: (Unit.DINSOS_KABUPATEN, 168),
    Category.USUL: (Unit.VILLAGE, 336),
    Category.SANGGAH: (Unit.DINSOS_KABUPATEN, 336),
}

# One level up when the SLA passes. Bank/Pos and e-warong problems go to the program office
# and the regency's Dinas Sosial that supervises them.
ESCALATION: dict[str, str] = {
    Unit.VILLAGE: Unit.DINSOS_KABUPATEN,
    Unit.EWARONG_SUPERVISOR: Unit.DINSOS_KABUPATEN,
    Unit.CHANNEL: Unit.PROGRAM,
    Unit.DINSOS_KABUPATEN: Unit.DINSOS_PROVINSI,
    Unit.DINSOS_PROVINSI: Unit.PUSAT,
    Unit.PROGRAM: Unit.PUSAT,
}

# Number of region code parts of the region a unit sits at (0: national).
UNIT_LEVEL: dict[str, int] = {
    Unit.VILLAGE: 4,
    Unit.EWARONG_SUPERVISOR: 2,
    Unit.DINSOS_KABUPATEN: 2,
    Unit.DINSOS_PROVINSI: 1,
    Unit.CHANNEL: 0,
    Unit.PROGRAM: 0,
    Unit.PUSAT: 0,
}

# The roles that work a unit's queue.
UNIT_ROLES: dict[str, set[str]] = {
    Unit.VILLAGE: {"operator_desa"},
    Unit.DINSOS_KABUPATEN: {"operator_kabupaten", "verifier_kabupaten"},
    Unit.EWARONG_SUPERVISOR: {"operator_kabupaten", "pendamping"},
    Unit.DINSOS_PROVINSI: {"dinsos_provinsi"},
    Unit.CHANNEL: {"program_manager"},
    Unit.PROGRAM: {"program_manager"},
    Unit.PUSAT: {"pusat"},
}


def unit_region(unit: str, village_code: str) -> str:
    """The code of the region the unit responsible for `village_code` sits at."""
    parts = UNIT_LEVEL[unit]
    return ".".join(village_code.split(".")[:parts]) if parts else ""


def units_of_role(role: str) -> set[str]:
    return {unit for unit, roles in UNIT_ROLES.items() if role in roles}
