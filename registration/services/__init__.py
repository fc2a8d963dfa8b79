"""Use cases of the DTKS update flow, one module per stage; import them from here."""

from ..transitions import TransitionRefused, transition
from .meetings import close_meeting, open_meeting, record_decision
from .penetapan import determine, preview
from .proposals import AlreadyProposed, propose, revise, submit, withdraw
from .submissions import (
    accept_submission,
    compile_submission,
    forward,
    open_period,
    ratify,
    resubmit,
    return_submission,
)
from .visits import assign_visits, record_visit

__all__ = [
    "AlreadyProposed",
    "TransitionRefused",
    "accept_submission",
    "assign_visits",
    "close_meeting",
    "compile_submission",
    "determine",
    "forward",
    "open_meeting",
    "open_period",
    "preview",
    "propose",
    "ratify",
    "record_decision",
    "record_visit",
    "resubmit",
    "return_submission",
    "revise",
    "submit",
    "transition",
    "withdraw",
]
