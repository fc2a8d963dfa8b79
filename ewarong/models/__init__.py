from .catalogue import BANNED_CATEGORIES, Category, Commodity, HetList, HetPrice
from .merchants import Merchant, MerchantEvent, MerchantEventKind, MerchantStaff, MerchantStatus
from .purchases import CardPin, Method, Purchase, PurchaseLine, PurchaseStatus, UsedQrCode
from .wallets import (
    AccountKind,
    BalanceRule,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)

__all__ = [
    "BANNED_CATEGORIES", "AccountKind", "BalanceRule", "CardPin", "Category", "Commodity",
    "HetList", "HetPrice", "LedgerAccount", "LedgerEntry", "LedgerTransaction", "Merchant",
    "MerchantEvent", "MerchantEventKind", "MerchantStaff", "MerchantStatus", "Method", "Purchase",
    "PurchaseLine", "PurchaseStatus", "TransactionKind", "UsedQrCode",
]
