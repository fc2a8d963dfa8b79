import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR_DESA = "operator_desa", _("Village operator")
    OPERATOR_KABUPATEN = "operator_kabupaten", _("Dinas Sosial operator (regency/city)")
    VERIFIER_KABUPATEN = "verifier_kabupaten", _("Dinas Sosial verifier (regency/city)")
    DINSOS_PROVINSI = "dinsos_provinsi", _("Dinas Sosial (province)")
    PUSAT = "pusat", _("Ministry data centre")
    PROGRAM_MANAGER = "program_manager", _("Program manager")
    PEKERJA_SOSIAL = "pekerja_sosial", _("Social worker")
    PENDAMPING = "pendamping", _("Pendamping")
    AUDITOR = "auditor", _("Auditor (read-only)")
    # UU 27/2022 art. 53: the data-protection officer (Pejabat Pelindungan Data Pribadi).
    DPO = "dpo", _("Data protection officer")
    # Approves payment cycles (four eyes with the program officer who prepared them).
    KEUANGAN = "keuangan", _("Finance officer")
    # PT Pos counter officers pay cash to KPM (bound to a region and, in payments, to the Pos
    # channel); a paying channel's system account pushes payment statuses through the API.
    PETUGAS_POS = "petugas_pos", _("Pos counter officer")
    PENYALUR = "penyalur", _("Paying channel system (bank or Pos)")
    # An e-warong's owner or cashier: sells to KPM at their own shop (ewarong app), sees nothing
    # of the registry.
    EWARONG = "ewarong", _("E-warong merchant")
    # The head of a Dinas Sosial (regency/city or province) or of a ministry unit: signs off the
    # monthly report before it goes up the hierarchy (monthly_reports app).
    KEPALA_DINAS = "kepala_dinas", _("Head of service (signs reports)")
    # A Posyandu Lansia volunteer (kader): records the monthly sessions of their village's posts
    # on a phone (lansia app), sees the elderly members of those posts only.
    KADER_POSYANDU = "kader_posyandu", _("Posyandu Lansia volunteer (kader)")
    ADMINISTRATOR = "administrator", _("Administrator")


class User(AbstractUser):
    """A Kesos account: one role, bound to one region scope (a region code; empty = national)."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "wilayah.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Working region; empty means national."),
    )

    class Meta:
        verbose_name = _("User")
        verbose_name_plural = _("Users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
        ]

    @property
    def scope_code(self) -> str:
        return self.region_id or ""


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the REST API; only its hash is stored, the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_raw_key() -> str:
        return "ksk_" + secrets.token_urlsafe(32)
