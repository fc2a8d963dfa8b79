"""Reads that serve the Posyandu Lansia pages: the posts a user may see (a kader only those
they serve), a village's DTKS elders, the PKH elders among members, and open referrals."""

from datetime import date

from django.db.models import QuerySet

from accounts import policy
from accounts.models import Role

from . import rules
from .models import Member, Post, Referral


def posts_for(user, action: str = policy.VIEW_LANSIA) -> QuerySet[Post]:
    """Posts within the user's region; a kader's are the posts they actively serve."""
    posts = policy.scoped(user, Post.objects.all(), "village__code", action)
    if getattr(user, "role", "") == Role.KADER_POSYANDU:
        posts = posts.filter(volunteers__active=True, volunteers__worker__user=user,
                             volunteers__worker__active=True)
    return posts.select_related("village").distinct()


def members_for(user) -> QuerySet[Member]:
    return Member.objects.filter(post__in=posts_for(user)).select_related("post")


def village_elders(post: Post, on: date):
    """Active DTKS members of the post's village aged 60 or more on `on`, not yet members."""
    from registry.models import Member as Person

    born_by = date(on.year - 60, on.month, 28 if (on.month, on.day) == (2, 29) else on.day)
    taken = post.members.filter(active=True, person__isnull=False).values("person_id")
    return (Person.objects.filter(village_id=post.village_id, status="active",
                                  birth_date__lte=born_by)
            .exclude(pk__in=taken).select_related("household").order_by("name"))


def pkh_elders(members: list[Member], on: date) -> list[int]:
    """The members (ids) who are DTKS members of a PKH family and hold its elderly component
    (60 or more) on `on`."""
    from pkh.selectors import in_pkh

    return [m.pk for m in members if m.person_id and rules.age_on(m.birth_date, on) >= 60
            and in_pkh(m.person.household_id)]


def referral_is_open(referral: Referral) -> bool:
    """Waiting, or taken in and its ATENSI case not terminated (an intake without a case yet
    counts as open)."""
    if referral.status == Referral.Status.WAITING:
        return True
    if referral.status == Referral.Status.CLOSED or referral.intake is None:
        return False
    case = getattr(referral.intake, "case", None)
    return case is None or case.status == "open"


def atensi_referrals_for(user) -> QuerySet[Referral]:
    """Waiting ATENSI referrals for the pekerja sosial of a provider: those of posts in the
    provider's kabupaten/kota or naming the provider."""
    from atensi.access import providers_for_intake

    providers = list(providers_for_intake(user).select_related("region"))
    if not providers:
        return Referral.objects.none()
    from django.db.models import Q

    where = Q()
    for p in providers:
        where |= Q(member__post__provider=p) | Q(member__post__provider__isnull=True,
                                                 village_code__startswith=p.region_id[:5])
    return (Referral.objects.filter(where, kind=Referral.Kind.ATENSI,
                                    status=Referral.Status.WAITING)
            .select_related("member__post").distinct())


def pkh_referrals_for(user) -> QuerySet[Referral]:
    """Waiting PKH attendance lines in the pendamping's region."""
    return (policy.scoped(user, Referral.objects.filter(kind=Referral.Kind.PKH,
                                                         status=Referral.Status.WAITING),
                          "village_code", policy.PKH_VERIFY)
            .select_related("member__post", "member__person", "session")
            .order_by("session__held_on", "member__name"))
