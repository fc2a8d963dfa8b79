from .accounts import (
    BurekolRequest,
    Card,
    CardEvent,
    CardStatus,
    ChannelRule,
    KpmAccount,
    NotDistributed,
    PaymentChannel,
)
from .cycles import BudgetCeiling, CycleApproval, CycleStatus, PaymentCycle, Sp2d
from .in_kind import InKindDelivery  # noqa: F401
from .payments import (
    AttemptStatus,
    DisbursementBatch,
    FileLayout,
    Payment,
    PaymentAttempt,
    PaymentEvent,
    PaymentStatus,
    ResponseImport,
    TreasuryReturn,
)
from .pos import (  # noqa: F401
    CashPayout,
    ChannelAccess,
    CounterPackage,
    CounterUpload,
    PayoutSchedule,
)
from .verification import (  # noqa: F401
    VerificationCase,
    VerificationFlag,
    VerificationMethod,
    VerificationSample,
)

__all__ = [
    "AttemptStatus", "BudgetCeiling", "BurekolRequest", "Card", "CardEvent", "CardStatus",
    "ChannelRule", "CycleApproval", "CycleStatus", "DisbursementBatch", "FileLayout",
    "KpmAccount", "NotDistributed", "Payment", "PaymentAttempt", "PaymentChannel",
    "PaymentCycle", "PaymentEvent", "PaymentStatus", "ResponseImport", "Sp2d", "TreasuryReturn",
]
