"""Extension point for apps above the e-warong (grievance): blocks on the merchant page, as
registry/hooks.py does for the household page. A function takes (user, merchant) and returns a
`base.blocks.Block` or None."""

from base.blocks import BlockSlot

merchant_page = BlockSlot()
register_merchant_block = merchant_page.register
merchant_blocks = merchant_page.blocks
