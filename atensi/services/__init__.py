"""ATENSI use cases: intake (article 20), the case through the seven stages (article 19) under
supervision sign-off (articles 11(4), 19(2)-(3)), what each stage records (articles 21-26),
duration and conferences (article 27), referral, and the report of a person outside DTKS to the
Dinas Sosial (article 43).

Every function checks the actor through atensi.access / accounts.policy, runs in one
transaction and writes an audit event. A stage moves only by `approve` of a sign-off request.
"""

from .common import ANYTIME_FORMS, Refused, stage_of
from .intake import Person, find_or_create_client, open_case, receive_intake, report_to_dtks
from .records import (
    GENERIC_FORMS,
    SECTION_OF_FORM,
    add_goal,
    add_indicator,
    admit,
    complete_follow_up,
    discharge,
    end_referral,
    record_conference,
    record_form,
    record_service,
    record_termination,
    refer,
    respond_to_emergency,
    schedule_follow_up,
    score_domain,
    set_duration,
)
from .referrals import accept_referral, close_referral, record_referred_service
from .supervision import (
    approve,
    last_return,
    missing_forms,
    pending_request,
    request_signoff,
    return_work,
)

__all__ = [
    "ANYTIME_FORMS",
    "GENERIC_FORMS",
    "SECTION_OF_FORM",
    "Person",
    "Refused",
    "accept_referral",
    "close_referral",
    "record_referred_service",
    "add_goal",
    "add_indicator",
    "admit",
    "approve",
    "complete_follow_up",
    "discharge",
    "end_referral",
    "find_or_create_client",
    "last_return",
    "missing_forms",
    "open_case",
    "pending_request",
    "receive_intake",
    "record_conference",
    "record_form",
    "record_service",
    "record_termination",
    "refer",
    "report_to_dtks",
    "request_signoff",
    "respond_to_emergency",
    "return_work",
    "schedule_follow_up",
    "score_domain",
    "set_duration",
    "stage_of",
]
