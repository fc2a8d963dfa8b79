"""Extension point for apps built on the registry: blocks on the household page.

The programs app shows each program's decision there without registry importing programs: in
its AppConfig.ready() it calls `register_household_block(<fn>)`; the function takes
(user, household) and returns a `HouseholdBlock` or None. A block that is slow to compute
renders a placeholder that loads itself (htmx), so the household page stays fast."""

from kesos.blocks import Block as HouseholdBlock
from kesos.blocks import BlockSlot

household_page = BlockSlot()
register_household_block = household_page.register
household_blocks = household_page.blocks

__all__ = ["HouseholdBlock", "register_household_block", "household_blocks"]
