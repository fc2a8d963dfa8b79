"""Building e-warong test worlds: an active merchant with a cashier, a national HET list, KPM
households with a KKS card and PIN and a credited Sembako wallet."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from ewarong import ledger
from ewarong.models import HetList, HetPrice, Merchant, MerchantStaff, MerchantStatus
from payments.models import Card, CardStatus, KpmAccount, PaymentChannel
from programs.models import Program
from programs.services import install_shipped
from programs.tests.kpm_data import family

VILLAGE = "32.01.01.1001"
HET = {"beras": 14_000, "telur-ayam": 27_000, "tahu": 10_000, "sayur": 12_000,
       "rokok": 30_000}


@dataclass
class World:
    actor: object
    serial: int = 500
    cards: dict = field(default_factory=dict)

    def __post_init__(self):
        from registry.instrument import shipped_definition
        from registry.models import InstrumentVersion

        # A transactional test's flush takes the published instrument with it.
        InstrumentVersion.objects.get_or_create(code="dtks", version=1, defaults={
            "title": "DTKS", "definition": shipped_definition()})
        install_shipped()
        self.sembako = Program.objects.get(code="sembako")

    def het(self, prices: dict | None = None, region: str = "", valid_from=date(2026, 1, 1),
            version: int = 1, valid_until=None) -> HetList:
        het_list = HetList.objects.create(region_prefix=region, valid_from=valid_from,
                                          version=version, valid_until=valid_until)
        HetPrice.objects.bulk_create(HetPrice(het_list=het_list, commodity_id=code, max_price=p)
                                     for code, p in (prices or HET).items())
        return het_list

    def merchant(self, make_user, village: str = VILLAGE, status=MerchantStatus.ACTIVE,
                 name: str = "Warung Berkah") -> tuple[Merchant, object]:
        merchant = Merchant.objects.create(
            name=name, owner_name="Ibu Sari", village_code=village, address="Jl. Pasar 1",
            channel=PaymentChannel.objects.get(code="bri"), status=status)
        self.serial += 1
        cashier = make_user("ewarong", village, username=f"kasir{self.serial}")
        MerchantStaff.objects.create(merchant=merchant, user=cashier)
        return merchant, cashier

    def kpm(self, balance: int = 200_000, pin: str = "123456", village: str = VILLAGE):
        """A household with a distributed KKS card (PIN set) and `balance` credited."""
        from ewarong import access

        self.serial += 2
        household = family(self.actor, village, self.serial, f"Kepala {self.serial}").household
        account = KpmAccount.objects.create(household=household, channel_id="bri",
                                            village_code=village, status="open",
                                            account_number=f"00{self.serial:010d}")
        card = Card.objects.create(account=account, card_number=f"6013{self.serial:012d}",
                                   status=CardStatus.DISTRIBUTED)
        access.set_pin(card, pin)
        wallet = ledger.wallet_of(household, self.sembako, create=True)
        if balance:
            self.credit(wallet, balance)
        self.cards[household.pk] = card
        return household, card, wallet

    def credit(self, wallet, amount: int, key: str | None = None, at=None):
        self.serial += 1
        return ledger.post("credit", key or f"test-credit:{self.serial}",
                           [(ledger.fund_account(self.sembako), -amount), (wallet, amount)],
                           at or timezone.now())
