"""Demo data for the DTKS update flow, made only through the registration and registry services
(so every step has its approval step and audit event), acting as the demo accounts.

In one kabupaten: an earlier period taken all the way to penetapan (its households are in the
registry, created by the penetapan, with their trail), and an open period whose proposals stand
at every stage, so that every work queue of the demo accounts has something in it."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts import policy
from accounts.models import User
from audit.models import Source
from audit.services import Context
from registry.identity import format_nik_for_district
from registry.instrument import questions
from registry.models import Family, Household, InactiveReason, Member, Status
from registry.services import current_instrument
from synth.name_data import GROUPS, HAMLET_WORD, HAMLETS
from wilayah.models import Level, Region
from wilayah.selectors import within_scope

from . import services
from .models import Kind, Period, Proposal, ProposalSource, VisitResult

DEMO_USERS = ("desa", "dinsos", "verifikator", "provinsi", "pusat")
DONE_PERIOD = ("2026-Q3", "DTKS 2026 triwulan III")
OPEN_PERIOD = ("2026-Q4", "DTKS 2026 triwulan IV")
# Where each 'new household' proposal of the open period stops, in the order they are made.
OPEN_FATES = (
    ["draft"] * 4
    + ["submitted"] * 4
    + ["withdrawn"]
    + ["rejected"] * 2
    + ["prelist"] * 3
    + ["visit_open"] * 3
    + ["visit_dinsos"]
    + ["duplicate"]
    + ["returned"] * 2
    + ["forwarded"] * 2
    + ["ratified"] * 3
    + ["compiled"] * 2
    + ["verified"] * 2
)
NO_MEETING_FATES = {"draft", "submitted", "withdrawn"}
# Verified groups in the order they are compiled, and how far each submission goes.
SUBMISSION_FATES = ("returned", "forwarded", "ratified", "compiled")
SOURCES = [ProposalSource.SELF_REGISTRATION, ProposalSource.RT_RW_DUSUN, ProposalSource.PSKS]
SMALL_INTS = {"floor_area_m2": (18, 90), "rooms": (1, 5)}
RETURN_REASON = "Berita acara musdes dua desa belum ditandatangani kepala desa."


def seed_registration_demo(scope: str, seed: int = 1) -> dict[str, int]:
    """Seed the flow in the kabupaten `scope` (e.g. '34.03') as the demo users; returns the
    number of proposals per status. Does nothing (returns {}) once any proposal exists."""
    if Proposal.objects.exists():
        return {}
    with transaction.atomic():
        seeder = _Seeder(scope, random.Random(seed))
        seeder.determined_cycle()
        seeder.open_cycle()
    rows = (
        Proposal.objects.filter(within_scope(scope, "village__code"))
        .values("status")
        .annotate(n=Count("id"))
        .order_by("status")
    )
    return {row["status"]: row["n"] for row in rows}


def _pdf(text: str) -> bytes:
    """A minimal one-page PDF showing `text` (a stand-in for the scanned decree)."""
    text = text.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass
class _Seeder:
    """One seeding run: the demo users, the chosen villages and the NIK/KK numbers used."""

    scope: str
    rng: random.Random
    users: dict[str, User] = field(init=False)
    villages: list[str] = field(init=False)
    used: set[str] = field(default_factory=set)
    decrees: int = 0

    def __post_init__(self) -> None:
        self.users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERS)}
        missing = set(DEMO_USERS) - set(self.users)
        if missing:
            raise ValueError(f"demo users missing: {sorted(missing)}")
        codes = list(
            Region.objects.filter(within_scope(self.scope, "code"), level=Level.VILLAGE)
            .order_by("code")
            .values_list("code", flat=True)
        )
        home = self.users["desa"].region_id
        first = home if home in codes else codes[0]
        others = [c for c in codes if c != first]
        self.villages = [first, *self.rng.sample(others, min(3, len(others)))]
        group = "sundanese" if self.scope.startswith(("32", "36")) else "javanese"
        self.names = GROUPS[group]
        self.definition = current_instrument().definition

    @property
    def meeting_villages(self) -> list[str]:
        """The villages that hold their meeting; the last one has not met yet."""
        return self.villages[:-1] or self.villages

    # --- actors ---------------------------------------------------------------------------

    def ctx(self, username: str) -> Context:
        return Context(actor=self.users[username], source=Source.SYSTEM, source_ref="demo")

    def village_ctx(self, village: str) -> Context:
        """The village operator where the demo has one, else Dinas Sosial on its behalf."""
        desa = self.users["desa"]
        return self.ctx("desa" if policy.can(desa, policy.PROPOSE, village) else "dinsos")

    # --- made-up people and answers -------------------------------------------------------

    def _unique(self, make: Callable[[], str], taken: Callable[[str], bool]) -> str:
        while True:
            value = make()
            if value not in self.used and not taken(value):
                self.used.add(value)
                return value

    def nik(self, village: str, born: date, sex: str) -> str:
        district = village[:8]
        return self._unique(
            lambda: format_nik_for_district(district, born, sex, self.rng.randint(5000, 9999)),
            lambda v: Member.objects.filter(nik=v).exists(),
        )

    def kk(self, village: str) -> str:
        prefix = village[:8].replace(".", "")
        return self._unique(
            lambda: (
                f"{prefix}{self.rng.randint(1, 28):02d}{self.rng.randint(1, 12):02d}"
                f"{self.rng.randint(10, 25):02d}{self.rng.randint(1, 9999):04d}"
            ),
            lambda v: Family.objects.filter(kk_number=v).exists(),
        )

    def given(self, sex: str, modern: bool) -> str:
        key = ("male" if sex == "L" else "female") + ("_modern" if modern else "")
        name = self.rng.choice(self.names[key])
        if self.rng.random() < self.names.get("p_second", 0.5):
            second = "second_male" if sex == "L" else "second_female"
            name += " " + self.rng.choice(self.names.get(second) or self.names[key])
        return name

    def person(self, village: str, sex: str, born: date, relation: tuple[int, int, int]) -> dict:
        household_rel, family_rel, order = relation
        return {
            "nik": self.nik(village, born, sex),
            "name": self.given(sex, modern=born.year >= 1995),
            "sex": sex,
            "birth_date": born.isoformat(),
            "birth_place": "",
            "relation_to_household_head": household_rel,
            "relation_to_family_head": family_rel,
            "family_order": order,
            "marital_status": 2 if household_rel in (1, 2) else 1,
        }

    def born(self, first_year: int, last_year: int) -> date:
        return date(self.rng.randint(first_year, last_year), self.rng.randint(1, 12),
                    self.rng.randint(1, 28))  # fmt: skip

    def family(self, village: str) -> list[dict]:
        head_sex = "L" if self.rng.random() < 0.8 else "P"
        members = [self.person(village, head_sex, self.born(1958, 1996), (1, 1, 1))]
        if head_sex == "L" and self.rng.random() < 0.85:
            members.append(self.person(village, "P", self.born(1962, 1998), (2, 3, 2)))
        for _ in range(self.rng.randint(0, 3)):
            sex = self.rng.choice("LP")
            order = len(members) + 1
            members.append(self.person(village, sex, self.born(2004, 2024), (3, 4, order)))
        return members

    def answers(self) -> dict[str, Any]:
        """A complete set of valid answers to the current instrument."""
        found: dict[str, Any] = {}
        for key, q in questions(self.definition).items():
            if q["type"] == "boolean":
                found[key] = self.rng.random() < 0.25
            elif q["type"] == "code":
                found[key] = int(
                    self.rng.choice(list(self.definition["code_lists"][q["code_list"]]))
                )
            else:
                lo, hi = SMALL_INTS.get(key, (0, 2))
                found[key] = self.rng.randint(max(lo, q.get("min", lo)), hi)
        return found

    def address(self, village: str) -> dict[str, str]:
        word = HAMLET_WORD.get(village[:2], "Dusun")
        return {
            "address": f"{word} {self.rng.choice(HAMLETS)}",
            "rt": f"{self.rng.randint(1, 9):03d}",
            "rw": f"{self.rng.randint(1, 6):03d}",
        }

    # --- steps of the flow ----------------------------------------------------------------

    def propose_new(self, village: str) -> Proposal:
        payload = self.address(village) | {
            "families": [{"kk_number": self.kk(village), "members": self.family(village)}],
            "answers": self.answers(),
        }
        source = self.rng.choice(SOURCES)
        return services.propose(
            self.village_ctx(village), Kind.NEW_HOUSEHOLD, source, village, payload
        )

    def propose_on(self, kind: str, household: Household, payload: dict, village: str = ""):
        village = village or household.village_id
        return services.propose(
            self.village_ctx(village),
            kind,
            ProposalSource.RT_RW_DUSUN,
            village,
            payload,
            household=household,
        )

    def meeting(self, village: str, held_on: date, proposals: list[Proposal], rejected=()):
        """Submit the village's proposals and decide them at its meeting (with two of its
        registry households confirmed on the prelist), then close it."""
        ctx = self.village_ctx(village)
        participants = [
            {"name": self.given("L", False), "role": "Kepala desa"},
            {"name": self.given("P", False), "role": "Pendamping PKH"},
            {"name": self.given("L", False), "role": "Ketua RW"},
        ]
        meeting = services.open_meeting(ctx, village, held_on, "Balai desa", participants)
        for p in proposals:
            services.submit(ctx, p)
            if p in rejected:
                note = "Sudah menerima bantuan sejenis; kondisi rumah layak."
                services.record_decision(ctx, meeting, p, "reject", note)
            else:
                services.record_decision(ctx, meeting, p, "accept")
        confirmed = Household.objects.filter(village_id=village, status=Status.ACTIVE)
        for household in confirmed.order_by("id")[:2]:
            services.record_decision(ctx, meeting, household, "accept")
        services.close_meeting(ctx, meeting)
        for p in proposals:
            p.refresh_from_db()

    def assign(self, proposals: list[Proposal], enumerator: str = "verifikator") -> list:
        if not proposals:
            return []
        return services.assign_visits(self.ctx("dinsos"), proposals, self.users[enumerator])

    def record(self, visits: list, day: date, result: int = VisitResult.VERIFIED) -> None:
        for visit in visits:
            proposal = visit.proposal
            answers = proposal.payload.get("answers") or self.answers()
            services.record_visit(
                self.ctx(visit.enumerator.username),
                visit,
                result,
                answers if result == VisitResult.VERIFIED else {},
                _at(day, self.rng.randint(8, 15)),
            )

    def compile(self, period: Period, until: str):
        """Compile the verified proposals into a submission and take it `until` a stage."""
        submission = services.compile_submission(self.ctx("dinsos"), self.scope, period)
        if until == "compiled":
            return submission
        self.decrees += 1
        number = f"400.9/{self.decrees:03d}/KPTS/{period.code[:4]}"
        decree = ContentFile(_pdf(f"Keputusan Bupati Nomor {number}"), name="sk-bupati.pdf")
        services.ratify(self.ctx("dinsos"), submission, number, decree)
        if until == "returned":
            return services.return_submission(self.ctx("provinsi"), submission, RETURN_REASON)
        if until == "ratified":
            return submission
        services.forward(self.ctx("provinsi"), submission)
        if until == "forwarded":
            return submission
        return services.accept_submission(self.ctx("pusat"), submission)

    def period(self, code_label: tuple[str, str]) -> Period:
        code, label = code_label
        found = Period.objects.filter(code=code).first()
        return found or services.open_period(self.ctx("pusat"), code, label)

    def existing(self, count: int) -> list[Household]:
        """Active registry households of the meeting villages, chosen at random."""
        pool = list(
            Household.objects.filter(village_id__in=self.meeting_villages, status=Status.ACTIVE)
            .exclude(families__isnull=True)
            .order_by("id")[:200]
        )
        return self.rng.sample(pool, min(count, len(pool)))

    # --- the two periods ------------------------------------------------------------------

    def determined_cycle(self) -> None:
        """The earlier period, all the way: its households are created by the penetapan."""
        period = self.period(DONE_PERIOD)
        by_village: dict[str, list[Proposal]] = {}
        for index in range(6):
            village = self.meeting_villages[index % len(self.meeting_villages)]
            by_village.setdefault(village, []).append(self.propose_new(village))
        for household in self.existing(1):
            payload = {"reason": InactiveReason.NOT_ELIGIBLE, "note": "Kepala keluarga PNS."}
            proposal = self.propose_on(Kind.DEACTIVATE, household, payload)
            by_village.setdefault(household.village_id, []).append(proposal)
        for village, proposals in by_village.items():
            self.meeting(village, date(2026, 8, 10), proposals)
        accepted = [p for ps in by_village.values() for p in ps]
        self.record(self.assign(accepted), date(2026, 8, 20))
        self.compile(period, until="determined")
        services.determine(self.ctx("pusat"), period, "KEPMENSOS 79/HUK/2026")

    def open_cycle(self) -> None:
        """The open period: proposals left at every stage of the flow."""
        period = self.period(OPEN_PERIOD)
        meeting_villages, waiting_village = self.meeting_villages, self.villages[-1]
        fates: dict[str, list[Proposal]] = {}
        for fate in OPEN_FATES:
            if fate in NO_MEETING_FATES:
                village = waiting_village if fate != "draft" else self.rng.choice(self.villages)
            else:
                village = self.rng.choice(meeting_villages)
            fates.setdefault(fate, []).append(self.propose_new(village))
        self._existing_kinds(fates, waiting_village)

        for p in fates["submitted"] + fates["withdrawn"]:
            services.submit(self.village_ctx(p.village_id), p)
        for p in fates["withdrawn"]:
            services.withdraw(self.village_ctx(p.village_id), p, "Keluarga pindah ke luar kota.")
        to_meeting = [p for fate, ps in fates.items() if fate not in NO_MEETING_FATES for p in ps]
        for offset, village in enumerate(meeting_villages):
            here = [p for p in to_meeting if p.village_id == village]
            if here:
                self.meeting(village, date(2026, 11, 2 + offset), here, fates["rejected"])

        not_visited = NO_MEETING_FATES | {"rejected", "prelist", "visit_dinsos"}
        visits = {fate: self.assign(ps) for fate, ps in fates.items() if fate not in not_visited}
        self.assign(fates["visit_dinsos"], enumerator="dinsos")
        self.record(visits["duplicate"], date(2026, 11, 9), VisitResult.DUPLICATE)
        for day, fate in enumerate(SUBMISSION_FATES, start=10):
            self.record(visits[fate], date(2026, 11, day))
            self.compile(period, until=fate)
        self.record(visits["verified"], date(2026, 11, 16))

    def _existing_kinds(self, fates: dict[str, list[Proposal]], waiting_village: str) -> None:
        """Proposals on registry households: a member added, a household deactivated and one
        moving into the village that has not held its meeting yet."""
        chosen = self.existing(3)
        if len(chosen) > 0:
            household = chosen[0]
            family = household.families.order_by("id").first()
            order = family.members.count() + 1
            child = self.person(household.village_id, "P", self.born(2025, 2025), (3, 4, order))
            payload = {"kk_number": family.kk_number, "member": child}
            fates["ratified"].append(self.propose_on(Kind.ADD_MEMBER, household, payload))
        if len(chosen) > 1:
            payload = {"reason": InactiveReason.MOVED, "note": "Pindah ke Kalimantan."}
            fates["verified"].append(self.propose_on(Kind.DEACTIVATE, chosen[1], payload))
        if len(chosen) > 2:
            payload = {"village_code": waiting_village} | self.address(waiting_village)
            proposal = self.propose_on(Kind.MOVE_HOUSEHOLD, chosen[2], payload, waiting_village)
            fates["submitted"].append(proposal)
