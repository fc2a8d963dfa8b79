"""The two things an officer writes on a report: the notes of a draft and why a report is
returned for correction; the rules are in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _


class NotesForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
                            help_text=_("What the figures do not say: events of the month, "
                                        "problems, follow-up."))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for return"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
