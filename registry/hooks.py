"""Extension points for apps built on the registry: blocks on the household and member pages.

Apps above the registry show their part of a household or member there without registry
importing them: in its AppConfig.ready() an app calls `register_household_block(<fn>)` or
`register_member_block(<fn>)`; the function takes (user, household) or (user, member) and
returns a `HouseholdBlock` / `MemberBlock` (both `base.blocks.Block`) or None (nothing to show,
or not allowed). Blocks appear in the order the apps stand in INSTALLED_APPS: on the household
page ranking's welfare ranking, then each program's decision; on the member page civil's match
with the civil registry, then linkage's possible duplicates. A block that is slow to compute
renders a placeholder that loads itself (htmx), so the page stays fast."""

from base.blocks import Block as HouseholdBlock
from base.blocks import Block as MemberBlock
from base.blocks import BlockSlot

household_page = BlockSlot()
register_household_block = household_page.register
household_blocks = household_page.blocks

member_page = BlockSlot()
register_member_block = member_page.register
member_blocks = member_page.blocks

__all__ = [
    "HouseholdBlock",
    "MemberBlock",
    "household_blocks",
    "member_blocks",
    "register_household_block",
    "register_member_block",
]
