"""The pendamping's P2K2 pages: their groups, a new group from the PKH families of their area
not yet in a group (the caseload is the families of one's groups), and the monthly session
with each family's attendance."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy
from audit import services as audit
from registry.models import Household, Member
from wilayah.selectors import code_in_scope

from . import selectors, services
from .models import P2k2Group, P2k2Member

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})
TEXT = forms.TextInput(attrs={"class": "form-control"})


def _families_to_group(user) -> list[tuple[int, str]]:
    """(household id, 'head · village') of this stage's PKH families in the user's area that
    are in no group yet."""
    year, stage = selectors.stage_of_day(timezone.localdate())
    scope = policy.scope_prefix(user) or ""
    grouped = set(P2k2Member.objects.values_list("household_id", flat=True))
    ids = [h for h, village in services.enrolled_households(year, stage)
           if h not in grouped and code_in_scope(village, scope)]
    heads = dict(Member.objects.filter(household_id__in=ids, relation_to_household_head=1)
                 .values_list("household_id", "name"))
    return [(h, heads.get(h, str(h))) for h in ids]


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=100, widget=TEXT)
    families = forms.TypedMultipleChoiceField(
        label=_("Families"), coerce=int, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["families"].choices = choices


@login_required
def groups(request):
    if not policy.role_allows(request.user, policy.PKH_P2K2):
        raise PermissionDenied
    mine = (P2k2Group.objects.filter(pendamping=request.user).order_by("name")
            .prefetch_related("sessions"))
    choices = _families_to_group(request.user)
    form = GroupForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        households = list(Household.objects.filter(pk__in=form.cleaned_data["families"]))
        villages = {h.village_id for h in households}
        if len(villages) != 1:
            form.add_error("families", _("A P2K2 group meets in one village: choose families "
                                         "of one village."))
        else:
            services.create_group(audit.Context(actor=request.user, reason="p2k2 group"),
                                  form.cleaned_data["name"], request.user, villages.pop(),
                                  households)
            messages.success(request, _("Group created."))
            return redirect("pkh:groups")
    return render(request, "pkh/groups.html", {"groups": mine, "form": form,
                                               "free": len(choices)})


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date of the session"), widget=DATE)
    module = forms.CharField(label=_("Module"), max_length=120, widget=TEXT)
    present = forms.TypedMultipleChoiceField(label=_("Families present"), coerce=int,
                                             required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = choices


@login_required
def session(request, group_id: int):
    group = get_object_or_404(P2k2Group, pk=group_id)
    policy.require(request.user, policy.PKH_P2K2, group.village_code)
    ids = list(group.families.values_list("household_id", flat=True))
    heads = dict(Member.objects.filter(household_id__in=ids, relation_to_household_head=1)
                 .values_list("household_id", "name"))
    form = SessionForm(request.POST or None, choices=[(h, heads.get(h, h)) for h in ids],
                       initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_session(audit.Context(actor=request.user, reason="p2k2 session"),
                                    group, form.cleaned_data["held_on"],
                                    form.cleaned_data["module"],
                                    set(form.cleaned_data["present"]))
        except services.PkhError as error:
            messages.error(request, error.id if request.LANGUAGE_CODE == "id" else error.en)
        else:
            messages.success(request, _("Session saved."))
            return redirect("pkh:groups")
    return render(request, "pkh/session.html", {"group": group, "form": form,
                                                "sessions": group.sessions.order_by(
                                                    "-year", "-month")[:12]})
