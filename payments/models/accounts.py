"""Channels, KPM accounts (KKS) and cards: where a family's money goes and whether the card
reached it (FACTS "Distribution": a KKS not distributed because the family is mampu, refuses,
died, moved, is under age or was not found)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentChannel(models.Model):
    """A paying institution: a Himbara bank, Bank Syariah Indonesia (Aceh) or PT Pos (cash)."""

    class Kind(models.TextChoices):
        BANK = "bank", _("Bank")
        POS = "pos", _("PT Pos (cash)")

    code = models.SlugField(_("code"), max_length=16, primary_key=True)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)

    class Meta:
        verbose_name = _("Payment channel")
        verbose_name_plural = _("Payment channels")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=models.Q(kind__in=["bank", "pos"]),
                                              name="payment_channel_kind")]

    def __str__(self) -> str:
        return self.name


class ChannelRule(models.Model):
    """Which channel pays a region (code prefix, '' = national), for one program or all; the
    longest prefix wins, a program's own rule before the general one (BSI for Aceh '11')."""

    program = models.ForeignKey("programs.Program", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    region_prefix = models.CharField(_("region"), max_length=13, blank=True)
    channel = models.ForeignKey(PaymentChannel, on_delete=models.PROTECT, related_name="rules")

    class Meta:
        verbose_name = _("Channel rule")
        verbose_name_plural = _("Channel rules")
        constraints = [
            models.UniqueConstraint(fields=["program", "region_prefix"], name="channel_rule_once"),
            models.UniqueConstraint(fields=["region_prefix"], condition=models.Q(
                program__isnull=True), name="channel_rule_general_once"),
        ]

    def __str__(self) -> str:
        return f"{self.region_prefix or '*'} -> {self.channel_id}"


class BurekolRequest(models.Model):
    """A collective account-opening request file (buka rekening kolektif) sent to one bank for
    the KPM without an account; the bank's answer file brings the account numbers."""

    channel = models.ForeignKey(PaymentChannel, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                   related_name="+")
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("Collective account opening (burekol)")
        verbose_name_plural = _("Collective account openings (burekol)")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"burekol {self.channel_id} #{self.pk}"


class KpmAccount(models.Model):
    """A household's account at its channel: requested (in a burekol file), open (with the
    number the bank answered) or closed. One account in use per household."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested (burekol)")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="+")
    channel = models.ForeignKey(PaymentChannel, on_delete=models.PROTECT, related_name="+")
    village_code = models.CharField(max_length=13, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    account_number = models.CharField(_("account number"), max_length=34, blank=True)
    burekol = models.ForeignKey(BurekolRequest, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="accounts")
    opened_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("KPM account")
        verbose_name_plural = _("KPM accounts")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["requested", "open", "closed"]),
                                   name="kpm_account_status"),
            models.CheckConstraint(condition=~models.Q(status="open") | ~models.Q(
                account_number=""), name="kpm_account_open_has_number"),
            models.UniqueConstraint(fields=["household"], condition=~models.Q(status="closed"),
                                    name="kpm_account_one_in_use"),
            models.UniqueConstraint(fields=["channel", "account_number"],
                                    condition=~models.Q(account_number=""),
                                    name="kpm_account_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.account_number or self.status}"


class CardStatus(models.TextChoices):
    PRINTED = "printed", _("Printed")
    DISTRIBUTED = "distributed", _("Distributed")
    NOT_DISTRIBUTED = "not_distributed", _("Not distributed")
    BLOCKED = "blocked", _("Blocked")
    REPLACED = "replaced", _("Replaced")


class NotDistributed(models.TextChoices):
    MAMPU = "mampu", _("Able (mampu)")
    MENOLAK = "menolak", _("Refused")
    MENINGGAL = "meninggal", _("Died")
    PINDAH = "pindah", _("Moved")
    DI_BAWAH_UMUR = "di_bawah_umur", _("Under age")
    TIDAK_DITEMUKAN = "tidak_ditemukan", _("Not found")


class Card(models.Model):
    """A KKS card of an account, with its current status; the history is in CardEvent."""

    account = models.ForeignKey(KpmAccount, on_delete=models.PROTECT, related_name="cards")
    card_number = models.CharField(_("card number"), max_length=19, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=CardStatus.choices)
    reason = models.CharField(_("reason"), max_length=16, choices=NotDistributed.choices,
                              blank=True)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="replaced_by")

    class Meta:
        verbose_name = _("KKS card")
        verbose_name_plural = _("KKS cards")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=CardStatus.values),
                                   name="card_status"),
            # "Not distributed" always says why; no other status carries a reason.
            models.CheckConstraint(
                condition=(models.Q(status="not_distributed", reason__in=NotDistributed.values)
                           | (~models.Q(status="not_distributed") & models.Q(reason=""))),
                name="card_reason_when_not_distributed"),
        ]

    def __str__(self) -> str:
        return f"KKS {self.card_number}"


class CardEvent(models.Model):
    """One change of a card's status (append-only history)."""

    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(max_length=16, choices=CardStatus.choices)
    reason = models.CharField(max_length=16, choices=NotDistributed.choices, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                           related_name="+")
    source = models.CharField(max_length=16, default="form")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.card_id}: {self.status}"
