"""Posyandu Lansia rules as plain functions: who may be a member, and which risk flags refer a
member to ATENSI."""

from datetime import date

from django.utils.translation import gettext as _

from .models import ELDERLY_FROM


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_problem(birth: date | None, on: date) -> str:
    """Why a person cannot be registered as an elderly member on `on` ('' when they can)."""
    if birth is None:
        return _("This field is required.")
    if birth > on:
        return _("The birth date cannot be after the registration date.")
    age = age_on(birth, on)
    if age < ELDERLY_FROM:
        return _("A member must be aged %(min)s or more on the registration date (this "
                 "person is %(age)s).") % {"min": ELDERLY_FROM, "age": age}
    return ""


def needs_atensi(member) -> bool:
    """Living alone and neglected: the post helps the person apply for ATENSI (Permensos 7/2021
    art. 41(4)c, lanjut usia telantar)."""
    return bool(member.lives_alone and member.neglected)
