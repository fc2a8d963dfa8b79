"""Demo data of the Posyandu Lansia: two posts in the `kader` account's village (its RW 001
and 002) served by that kader, a post in two more villages of the scope with a volunteer of
their own, the village's DTKS members aged 60+ as members, and three months of sessions."""

from datetime import date, timedelta

from django.utils import timezone

from accounts.models import User
from audit.models import Source
from audit.services import Context
from wilayah.models import Level, Region
from workforce.models import Worker, WorkerKind

from . import services
from .models import Post


def seeded() -> bool:
    return Post.objects.exists()


def _month_starts(today: date, n: int) -> list[date]:
    first, out = today.replace(day=1), []
    for _ in range(n):
        first = (first - timedelta(days=1)).replace(day=1)
        out.append(first)
    return sorted(out)


def seed(scope: str) -> str:
    """Deterministic for a given day: attendance and values follow the members' order."""
    manager = User.objects.get(username="dinsos")
    kader = User.objects.get(username="kader")
    manage = Context(actor=manager, source=Source.SYSTEM, source_ref="kesos demo")
    record = Context(actor=kader, source=Source.SYSTEM, source_ref="kesos demo")
    worker = Worker.objects.filter(user=kader).first() or Worker.objects.create(
        user=kader, name="Kader Posyandu (demo)", kind=WorkerKind.RELAWAN_SOSIAL,
        region_id=kader.region_id)
    posts = []
    for rw in ("1", "2"):
        post = services.create_post(manage, kader.region_id, rw,
                                    f"Posyandu Lansia {kader.region.name} RW 00{rw}")
        services.assign_volunteer(manage, post, worker)
        posts.append(post)
    others = Region.objects.filter(code__startswith=scope + ".", level=Level.VILLAGE).exclude(
        code=kader.region_id).order_by("code")[:2]
    for village in others:
        post = services.create_post(manage, village.code, "1", f"Posyandu Lansia {village.name}")
        volunteer = Worker.objects.create(name=f"Kader {village.name}", region_id=village.code,
                                          kind=WorkerKind.RELAWAN_SOSIAL)
        services.assign_volunteer(manage, post, volunteer)
    today = timezone.localdate()
    months = _month_starts(today, 3)
    registered_on = months[0]
    elders = list(services.selectors.village_elders(posts[0], registered_on)[:24])
    members = 0
    for i, person in enumerate(elders):
        services.register_member(record, posts[i % 2], person_id=person.pk, on=registered_on)
        members += 1
    sessions = 0
    for post in posts:
        people = list(post.members.order_by("pk"))
        for n, first in enumerate(months):
            visits = [services.Visit(
                m.pk, present=(i + n) % 4 != 0, weight_kg=48 + (i * 3) % 20,
                systolic=120 + (i * 7) % 50, diastolic=75 + (i * 3) % 20,
                blood_sugar=100 + (i * 11) % 120, nutrition=True, activity=i % 2 == 0,
                lives_alone=i == 3, neglected=i == 3 and n == 2, bedridden=i == 5)
                for i, m in enumerate(people)]
            for v in visits:
                if not v.present:
                    v.weight_kg = v.systolic = v.diastolic = v.blood_sugar = None
            services.record_session(record, post, first + timedelta(days=9), visits,
                                    puskesmas="Puskesmas (demo)", activity="Senam lansia")
            sessions += 1
    return f"{len(posts) + len(others)} posts, {members} members, {sessions} sessions"
