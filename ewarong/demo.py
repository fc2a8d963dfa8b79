"""Demo data for the e-warong: a national HET list (imported from the XLSX template, as an officer
would) and two approved e-warong with a cashier account in each of the first demo villages that
hold households, all through the real services. Idempotent: nothing is made twice."""

from datetime import date

from audit.services import Context
from registry.models import Household

from . import het_import, merchants
from .models import HetList, LedgerAccount, Merchant

# Rupiah per unit; eggs at Rp27,000/kg were the overpricing case of FACTS, the market price
# was Rp18,000.
DEMO_HET = {"beras": 14_000, "jagung": 8_000, "sagu": 12_000, "telur-ayam": 28_000,
            "daging-ayam": 40_000, "daging-sapi": 140_000, "ikan-segar": 45_000,
            "kacang-hijau": 25_000, "tahu": 12_000, "tempe": 14_000, "sayur": 15_000,
            "buah": 25_000}
VILLAGES = 4
SHOPS = (("Warung Berkah", "Ibu Sari", "Senin-Sabtu 07.00-17.00"),
         ("E-Warong Sejahtera", "Pak Darmo", "Setiap hari 06.00-20.00"))


def seeded() -> bool:
    return Merchant.objects.exists()


def seed(program_user, dinsos_user, password: str) -> str:
    """The HET list and the demo e-warong; a one-line summary."""
    made = []
    if not HetList.objects.filter(region_prefix="").exists():
        result = het_import.import_het(Context(program_user, reason="demo"),
                                       het_import.template_xlsx(DEMO_HET), "het-demo.xlsx", "",
                                       date(date.today().year, 1, 1))
        made.append(f"national HET v{result.het_list.version}")
    scope = dinsos_user.scope_code or ""
    villages = list(Household.objects.filter(village__code__startswith=scope + ".")
                    .values_list("village_id", flat=True).distinct().order_by("village_id")
                    [:VILLAGES])
    ctx = Context(dinsos_user, reason="demo")
    shops = 0
    for v, village in enumerate(villages, start=1):
        for s, (name, owner, hours) in enumerate(SHOPS, start=1):
            terminal = f"EDC-{village.replace('.', '')}-{s}"
            if Merchant.objects.filter(terminal_id=terminal).exists():
                continue
            merchant = merchants.register(ctx, merchants.Registration(
                name=name, owner_name=owner, village_code=village,
                address=f"Jl. Pasar No. {s}", channel="bri", terminal_id=terminal,
                qris_id=f"ID{village.replace('.', '')}{s:02d}", opening_hours=hours))
            merchants.approve(ctx, merchant)
            merchants.add_staff(ctx, merchant, f"warung{v}{s}", password, f"Kasir {name}")
            shops += 1
    made.append(f"{shops} e-warong in {len(villages)} villages (cashiers warung11..)")
    made.append(_wallets())
    return ", ".join(made)


DEMO_PIN = "123456"
DEMO_CARDS = 20


def _wallets() -> str:
    """The demo Sembako cycles credited into the wallets, and a KKS card with PIN 123456 for
    the first credited families, so the till can be tried (card numbers on the household
    page)."""
    from payments.models import Card, CardStatus, KpmAccount, PaymentCycle

    from . import access, credits

    credited = sum(credits.credit_cycle(cycle) for cycle in PaymentCycle.objects.filter(
        program__code="sembako", in_kind=False))
    cards = 0
    funded = LedgerAccount.objects.filter(kind="kpm", balance__gt=0).values("household_id")
    for account in KpmAccount.objects.filter(status="open", household_id__in=funded
                                             ).order_by("id")[:DEMO_CARDS]:
        card, made = Card.objects.get_or_create(
            account=account, defaults={"card_number": f"6013{account.pk:012d}",
                                       "status": CardStatus.DISTRIBUTED})
        if made:
            access.set_pin(card, DEMO_PIN)
            cards += 1
    first = Card.objects.filter(card_number__startswith="6013").order_by("id").first()
    return (f"{credited} wallets credited, {cards} KKS cards with PIN {DEMO_PIN}"
            f" (e.g. {first.card_number if first else '-'})")
