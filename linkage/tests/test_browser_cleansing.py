"""A national officer in headless Chromium checks a run's cleansing proposals record by record:
names beside the records, one accepted on its own, one rejected from a ticked selection, the
accepted one applied, then "revert" asks for confirmation before it restores anything."""

import pytest
from django.urls import reverse

from conftest import browser_login
from linkage.tests import test_quality_ui
from linkage.tests.test_quality_ui import _propose
from registry.models import Member

# The registry of 20 synthetic households and its pipeline run, as the data-quality pages use.
synth_dir, run = test_quality_ui.synth_dir, test_quality_ui.run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_proposals_decided_one_by_one_and_revert_confirmed(browser, live_server, make_user,
                                                           run):
    a, b, c = Member.objects.order_by("id")[:3]
    _propose(run, [a, b, c])
    page = browser_login(browser, live_server, make_user("pusat"))
    page.goto(reverse("linkage_run_records", args=[run.name]) + "?kind=member&reason=duplicate")
    table = page.locator("#proposal-records")
    assert a.name in table.inner_text() and c.name in table.inner_text()

    proposal = run.proposals.get(record_id=a.pk)
    page.click(f"tr[data-proposal='{proposal.pk}'] button[name=accept_one]")
    page.locator(f"tr[data-proposal='{proposal.pk}'] [data-state=accepted]").wait_for()
    rejected = run.proposals.get(record_id=b.pk)
    page.check(f"input[name=ids][value='{rejected.pk}']")
    page.click("#reject-selected")
    page.locator(f"tr[data-proposal='{rejected.pk}'] [data-state=rejected]").wait_for()
    assert dict(run.proposals.values_list("record_id", "state")) == {
        a.pk: "accepted", b.pk: "rejected", c.pk: "proposed"}

    page.goto(reverse("linkage_run_apply_confirm", args=[run.name]))
    page.click("#apply-confirm button[type=submit]")
    page.wait_for_url(lambda url: url.rstrip("/").endswith(run.name))
    assert Member.objects.get(pk=a.pk).status == "inactive"

    page.click("#revert-link")
    page.locator("#revert-confirm").wait_for()
    assert Member.objects.get(pk=a.pk).status == "inactive"  # nothing restored yet
    assert "1 members" in page.inner_text("#revert-confirm")
    page.click("#revert-submit")
    page.wait_for_url(lambda url: url.rstrip("/").endswith(run.name))
    assert Member.objects.get(pk=a.pk).status == "active"
