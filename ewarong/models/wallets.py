"""KPM wallets as a double-entry ledger.

Every movement is one LedgerTransaction whose entries sum to zero: a Sembako credit moves money
from the program's fund account to the KPM's wallet, a purchase from the wallet to the merchant,
a refund back, an expiry from the wallet to the expired account. The wallet's balance column is
kept in the same transaction by a conditional update; the database refuses a wallet balance
below zero (a check constraint), so two terminals spending one wallet at once cannot overspend.
Merchant and fund accounts keep no balance column (it is the sum of their entries), so a busy
merchant is not one hot row."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    KPM = "kpm", _("KPM wallet")
    MERCHANT = "merchant", _("E-warong")
    FUND = "fund", _("Program fund")
    EXPIRED = "expired", _("Expired balances")


class LedgerAccount(models.Model):
    kind = models.CharField(max_length=8, choices=AccountKind.choices)
    household = models.ForeignKey("registry.Household", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    merchant = models.ForeignKey("ewarong.Merchant", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey("programs.Program", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    village_code = models.CharField(max_length=13, blank=True, db_index=True)
    balance = models.BigIntegerField(_("balance (Rp)"), default=0)

    class Meta:
        verbose_name = _("Ledger account")
        verbose_name_plural = _("Ledger accounts")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=AccountKind.values),
                                   name="ledger_account_kind"),
            # "Never below zero" is the database's rule, not a read in Python.
            models.CheckConstraint(condition=~models.Q(kind="kpm") | models.Q(balance__gte=0),
                                   name="wallet_never_negative"),
            models.CheckConstraint(condition=~models.Q(kind="kpm") | models.Q(
                household__isnull=False, program__isnull=False), name="wallet_has_household"),
            models.UniqueConstraint(fields=["household", "program"],
                                    condition=models.Q(kind="kpm"), name="wallet_once"),
            models.UniqueConstraint(fields=["merchant"], condition=models.Q(kind="merchant"),
                                    name="merchant_account_once"),
            models.UniqueConstraint(fields=["kind", "program"], condition=models.Q(
                kind__in=["fund", "expired"]), name="fund_account_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class TransactionKind(models.TextChoices):
    CREDIT = "credit", _("Sembako credit")
    PURCHASE = "purchase", _("Purchase")
    REFUND = "refund", _("Refund")
    EXPIRY = "expiry", _("Expired balance")


class LedgerTransaction(models.Model):
    """One movement; `key` makes it happen at most once (a payment credited twice, a refund
    asked twice, an expiry run re-run: the second insert is refused by the unique index)."""

    kind = models.CharField(max_length=8, choices=TransactionKind.choices)
    key = models.CharField(max_length=120, unique=True)
    at = models.DateTimeField()
    payment = models.ForeignKey("payments.Payment", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    memo = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(
            kind__in=TransactionKind.values), name="ledger_transaction_kind")]

    def __str__(self) -> str:
        return self.key


class LedgerEntry(models.Model):
    """One leg of a transaction: + adds to the account, - takes from it."""

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT,
                                    related_name="entries")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["account", "transaction"])]
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0),
                                              name="ledger_entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount:+d}"


class BalanceRule(models.Model):
    """What happens to an unspent balance: carried over (no limit) or expired after N months."""

    program = models.OneToOneField("programs.Program", on_delete=models.CASCADE,
                                   related_name="+")
    expire_after_months = models.PositiveSmallIntegerField(
        _("expire unspent credit after (months)"), null=True, blank=True,
        help_text=_("Empty: the balance carries over."))

    class Meta:
        verbose_name = _("Unspent balance rule")
        verbose_name_plural = _("Unspent balance rules")

    def __str__(self) -> str:
        return f"{self.program_id}: {self.expire_after_months or '-'}"
