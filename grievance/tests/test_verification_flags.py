"""A "not received" answer of the post-payment verification becomes a complaint (the grievance
app takes over payments' VerificationFlag records)."""

import pytest

from audit.services import Context
from grievance import services
from grievance.models import Submission
from payments import verification
from payments.models import Payment, VerificationFlag
from payments.tests.conftest import _shipped_channels, build, officers, var_dir  # noqa: F401
from payments.tests.pos_builders import pos_cycle

pytestmark = pytest.mark.django_db


def test_open_verification_flags_become_complaints_once(build, officers, make_user):  # noqa: F811
    cycle, _ = pos_cycle(build, officers, build.households(3, "32.01.01.1001"))
    Payment.objects.filter(cycle=cycle).update(status="transacted")
    sample = verification.draw_sample(Context(officers["program"]), cycle, 3, 7,
                                      region_length=8)
    case = sample.cases.order_by("id").first()
    pendamping = make_user("pendamping", region="32.01", username="pendamping")
    verification.record_answer(Context(pendamping), case,
                               verification.Answer("visit", False, None, False))
    assert services.take_over_verification_flags(Context()) == 1
    sub = Submission.objects.get()
    assert (sub.category, sub.channel, sub.payment_id) == ("not_receiving", "verification",
                                                          case.payment_id)
    assert VerificationFlag.objects.get().status == "handed_over"
    assert services.take_over_verification_flags(Context()) == 0
