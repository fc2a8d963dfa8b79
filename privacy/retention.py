"""The retention policy (`retention.json`: per record kind its period, action and legal basis)
and the two steps that carry it out: `retention_report` counts what is past retention per kind;
`apply_retention`, once an officer confirmed that report, anonymises or deletes it in one
transaction, each record's change an audit event. The audit log itself is append-only and is
never deleted.

Both take an optional `progress(step, done, total)` callable (the jobs app passes its own).
The records belong to other apps; retention works on them as set operations (bulk updates and
deletes in batches), because a loop over their per-record services would not finish."""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import User
from audit import services as audit
from audit.models import Source
from civil.models import CivilCandidate
from programs.models import ListEntry, ReferenceList
from registration.models import Proposal, ProposalNik, ProposalStatus
from registry.models import Family, Household, Member, Status, StatusChange

from .access import require_officer
from .models import Anonymised, RetentionRun, SubjectRequest

POLICY_PATH = Path(__file__).with_name("retention.json")
ACTIONS = ("anonymise", "delete")
BATCH = 2000
# A confirmation applies a report made shortly before: the counts the officer saw still hold.
REPORT_VALID_FOR = timedelta(hours=24)
Progress = Callable[[str, int, int], None]


class PolicyError(ValueError):
    """The policy file or a report cannot be used: the message names the row and field."""


@dataclass(frozen=True)
class Rule:
    """One row of the policy: records of `kind` older than the period get `action`."""

    kind: str
    label: dict[str, str]
    starts: dict[str, str]
    years: int
    days: int
    action: str
    removes: dict[str, str]
    legal_basis: dict[str, str]

    def cutoff(self, as_of: datetime) -> datetime:
        """Records whose retention started at or before this moment are past it."""
        year = as_of.year - self.years
        try:
            moved = as_of.replace(year=year)
        except ValueError:  # 29 February in a year without one
            moved = as_of.replace(year=year, day=28)
        return moved - timedelta(days=self.days)

    def period(self) -> dict[str, str]:
        parts_id, parts_en = [], []
        if self.years:
            parts_id.append(f"{self.years} tahun")
            parts_en.append(f"{self.years} year{'s' if self.years != 1 else ''}")
        if self.days:
            parts_id.append(f"{self.days} hari")
            parts_en.append(f"{self.days} day{'s' if self.days != 1 else ''}")
        return {"id": " ".join(parts_id), "en": " ".join(parts_en)}


@dataclass(frozen=True)
class Policy:
    version: int
    checksum: str
    rules: list[Rule]


# --- the record kinds: what is past retention, and how it is anonymised or deleted ----------


def _not_anonymised(qs: QuerySet, kind: str) -> QuerySet:
    return qs.exclude(pk__in=Anonymised.objects.filter(kind=kind).values("record_id"))


def _inactive_since(model, status_kind: str) -> QuerySet:
    """Inactive records with `since`: their latest status change (else their last update)."""
    latest = (StatusChange.objects.filter(kind=status_kind, record_id=OuterRef("pk"))
              .order_by("-at", "-id").values("at")[:1])
    return (model.objects.filter(status=Status.INACTIVE)
            .annotate(since=Coalesce(Subquery(latest), F("updated_at"))))


def _members(cutoff: datetime) -> QuerySet:
    qs = _inactive_since(Member, StatusChange.Kind.MEMBER).filter(since__lte=cutoff)
    return _not_anonymised(qs, "registry.member")


def _households(cutoff: datetime) -> QuerySet:
    qs = _inactive_since(Household, StatusChange.Kind.HOUSEHOLD).filter(since__lte=cutoff)
    return _not_anonymised(qs, "registry.household")


CLOSED_UNAPPLIED = [ProposalStatus.REJECTED_AT_MEETING, ProposalStatus.NOT_VERIFIED,
                    ProposalStatus.WITHDRAWN]


def _proposals(cutoff: datetime) -> QuerySet:
    qs = Proposal.objects.filter(status__in=CLOSED_UNAPPLIED, status_since__lte=cutoff)
    return _not_anonymised(qs, "registration.proposal")


def _superseded_lists(cutoff: datetime) -> list[int]:
    """Reference lists that a newer import of the same kind replaced at or before `cutoff`."""
    found, newer = [], {}
    for pk, kind, at in (ReferenceList.objects.order_by("kind", "-imported_at", "-id")
                         .values_list("pk", "kind", "imported_at")):
        if kind in newer and newer[kind] <= cutoff:
            found.append(pk)
        newer[kind] = at
    return found


def _list_entries(cutoff: datetime) -> QuerySet:
    return ListEntry.objects.filter(reference_list_id__in=_superseded_lists(cutoff))


def _bundles(cutoff: datetime) -> QuerySet:
    return SubjectRequest.objects.filter(bundle__isnull=False, bundle_produced_at__lte=cutoff)


@dataclass(frozen=True)
class Step:
    ctx: audit.Context
    run: RetentionRun
    progress: Progress
    label: str


def _batches(rows: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _mark(step: Step, kind: str, ids: list[int]) -> None:
    Anonymised.objects.bulk_create(
        [Anonymised(kind=kind, record_id=pk, run=step.run) for pk in ids], batch_size=BATCH)


MEMBER_FIELDS = ["nik", "name", "birth_place", "birth_date"]


def _anonymise_members(qs: QuerySet, step: Step) -> int:
    rows = list(qs.order_by("pk").values_list("pk", "village_id"))
    now = timezone.now()
    for done, batch in enumerate(_batches(rows)):
        ids = [pk for pk, _v in batch]
        Member.objects.filter(pk__in=ids).update(
            nik="", name="", name_key="", birth_place="", birth_date=None,
            revision=F("revision") + 1, updated_at=now)
        # Dukcapil people proposed as this member's match: other people's data.
        CivilCandidate.objects.filter(member_id__in=ids).delete()
        _mark(step, "registry.member", ids)
        audit.record_bulk(step.ctx, "privacy.retention.anonymise", "registry.member",
                          [(str(pk), village, {"anonymised": [None, MEMBER_FIELDS]})
                           for pk, village in batch])
        step.progress(step.label, min((done + 1) * BATCH, len(rows)), len(rows))
    return len(rows)


HOUSEHOLD_FIELDS = ["address", "rt", "rw", "latitude", "longitude", "kk_number"]


def _anonymise_households(qs: QuerySet, step: Step) -> int:
    rows = list(qs.order_by("pk").values_list("pk", "village_id"))
    now = timezone.now()
    for done, batch in enumerate(_batches(rows)):
        ids = [pk for pk, _v in batch]
        Household.objects.filter(pk__in=ids).update(
            address="", rt="", rw="", latitude=None, longitude=None,
            revision=F("revision") + 1, updated_at=now)
        Family.objects.filter(household_id__in=ids).update(kk_number="")
        _mark(step, "registry.household", ids)
        audit.record_bulk(step.ctx, "privacy.retention.anonymise", "registry.household",
                          [(str(pk), village, {"anonymised": [None, HOUSEHOLD_FIELDS]})
                           for pk, village in batch])
        step.progress(step.label, min((done + 1) * BATCH, len(rows)), len(rows))
    return len(rows)


# Keys of a proposal's payload that name or locate a person (registration/payloads.py).
PAYLOAD_PERSONAL = {"nik", "name", "birth_date", "birth_place", "kk_number", "address", "rt",
                    "rw", "note"}


def blank_personal(value: Any) -> Any:
    """The payload with every personal value emptied and its shape kept (pages still render)."""
    if isinstance(value, dict):
        return {k: ("" if k in PAYLOAD_PERSONAL and not isinstance(v, dict | list)
                    else blank_personal(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [blank_personal(v) for v in value]
    return value


def _anonymise_proposals(qs: QuerySet, step: Step) -> int:
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    for done, batch in enumerate(_batches(ids, 500)):
        proposals = list(Proposal.objects.filter(pk__in=batch).only("pk", "payload", "village"))
        for p in proposals:
            p.payload = blank_personal(p.payload)
        Proposal.objects.bulk_update(proposals, ["payload"], batch_size=500)
        ProposalNik.objects.filter(proposal_id__in=batch).delete()
        _mark(step, "registration.proposal", batch)
        audit.record_bulk(step.ctx, "privacy.retention.anonymise", "registration.proposal",
                          [(str(p.pk), p.village_id, {"anonymised": [None, ["payload"]]})
                           for p in proposals])
        step.progress(step.label, min((done + 1) * 500, len(ids)), len(ids))
    return len(ids)


def _delete_list_entries(qs: QuerySet, step: Step) -> int:
    lists = sorted(set(qs.values_list("reference_list_id", flat=True)))
    total = 0
    for done, list_id in enumerate(lists):
        deleted, _by_model = ListEntry.objects.filter(reference_list_id=list_id).delete()
        total += deleted
        audit.record_bulk(step.ctx, "privacy.retention.delete", "programs.referencelist",
                          [(str(list_id), "", {"entries": [deleted, 0]})])
        step.progress(step.label, done + 1, len(lists))
    return total


def _delete_bundles(qs: QuerySet, step: Step) -> int:
    rows = list(qs.values_list("pk", "bundle_sha256"))
    SubjectRequest.objects.filter(pk__in=[pk for pk, _s in rows]).update(bundle=None)
    audit.record_bulk(step.ctx, "privacy.retention.delete", "privacy.subjectrequest",
                      [(str(pk), "", {"bundle": [sha, None]}) for pk, sha in rows])
    step.progress(step.label, len(rows), len(rows))
    return len(rows)


@dataclass(frozen=True)
class RecordKind:
    candidates: Callable[[datetime], QuerySet]
    actions: dict[str, Callable[[QuerySet, Step], int]]


KINDS: dict[str, RecordKind] = {
    "registry.member": RecordKind(_members, {"anonymise": _anonymise_members}),
    "registry.household": RecordKind(_households, {"anonymise": _anonymise_households}),
    "registration.proposal": RecordKind(_proposals, {"anonymise": _anonymise_proposals}),
    "programs.list_entry": RecordKind(_list_entries, {"delete": _delete_list_entries}),
    "privacy.bundle": RecordKind(_bundles, {"delete": _delete_bundles}),
}


# --- the policy file ------------------------------------------------------------------------


def _text(row: dict, key: str, where: str) -> dict[str, str]:
    value = row.get(key)
    if not isinstance(value, dict) or not value.get("id") or not value.get("en"):
        raise PolicyError(_("%(where)s, field %(field)s: give the text in Indonesian (id) and "
                            "English (en).") % {"where": where, "field": key})
    return {"id": str(value["id"]), "en": str(value["en"])}


def _rule(row: Any, index: int, seen: set[str]) -> Rule:
    where = _("Retention policy row %(row)d") % {"row": index}
    if not isinstance(row, dict):
        raise PolicyError(_("%(where)s: not an object.") % {"where": where})
    kind = row.get("kind")
    if kind not in KINDS:
        raise PolicyError(_("%(where)s, field kind: unknown record kind %(kind)r (known: "
                            "%(known)s).") % {"where": where, "kind": kind,
                                              "known": ", ".join(KINDS)})
    if kind in seen:
        raise PolicyError(_("%(where)s, field kind: %(kind)s is listed twice.")
                          % {"where": where, "kind": kind})
    action = row.get("action")
    if action not in KINDS[kind].actions:
        raise PolicyError(_("%(where)s, field action: %(kind)s can only be %(allowed)s.") % {
            "where": where, "kind": kind, "allowed": " / ".join(KINDS[kind].actions)})
    period = row.get("retention")
    years = period.get("years", 0) if isinstance(period, dict) else None
    days = period.get("days", 0) if isinstance(period, dict) else None
    if not all(isinstance(v, int) and v >= 0 for v in (years, days)) or not (years or days):
        raise PolicyError(_("%(where)s, field retention: give whole years and/or days, e.g. "
                            "{\"years\": 10}.") % {"where": where})
    return Rule(kind=kind, label=_text(row, "label", where), starts=_text(row, "starts", where),
                years=years, days=days, action=action, removes=_text(row, "removes", where),
                legal_basis=_text(row, "legal_basis", where))


def load_policy(path: Path = POLICY_PATH) -> Policy:
    """The retention policy, checked; PolicyError names the row and field that is wrong."""
    raw = path.read_bytes()
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise PolicyError(_("The retention policy is not valid JSON: %(error)s")
                          % {"error": error}) from None
    seen: set[str] = set()
    rules = []
    for index, row in enumerate(data.get("kinds") or [], start=1):
        rule = _rule(row, index, seen)
        seen.add(rule.kind)
        rules.append(rule)
    return Policy(int(data.get("version", 1)), hashlib.sha256(raw).hexdigest(), rules)


# --- report and apply -----------------------------------------------------------------------


def _no_progress(step: str, done: int, total: int) -> None:
    return None


def retention_report(progress: Progress | None = None, as_of: datetime | None = None,
                     policy_path: Path = POLICY_PATH) -> dict:
    """What is past retention now (or at `as_of`), per record kind of the policy: JSON-able,
    with the policy's checksum, each kind's period, cutoff and count."""
    progress = progress or _no_progress
    as_of = as_of or timezone.now()
    loaded = load_policy(policy_path)
    kinds = []
    for done, rule in enumerate(loaded.rules):
        progress(rule.kind, done, len(loaded.rules))
        cutoff = rule.cutoff(as_of)
        kinds.append({
            "kind": rule.kind, "label": rule.label, "starts": rule.starts,
            "retention": {"years": rule.years, "days": rule.days}, "period": rule.period(),
            "action": rule.action, "removes": rule.removes, "legal_basis": rule.legal_basis,
            "cutoff": cutoff.isoformat(), "count": KINDS[rule.kind].candidates(cutoff).count(),
        })
    progress("done", len(loaded.rules), len(loaded.rules))
    return {"as_of": as_of.isoformat(), "policy_version": loaded.version,
            "policy_checksum": loaded.checksum, "kinds": kinds,
            "total": sum(k["count"] for k in kinds)}


def _report_time(report: dict, loaded: Policy, now: datetime) -> datetime:
    as_of = parse_datetime(str(report.get("as_of") or ""))
    if as_of is None or report.get("policy_checksum") != loaded.checksum:
        raise PolicyError(_("The retention policy changed since this report: make the report "
                            "again."))
    if as_of > now or now - as_of > REPORT_VALID_FOR:
        raise PolicyError(_("This report is more than a day old: make the report again."))
    return as_of


@transaction.atomic
def apply_retention(report: dict, confirmed_by: User, progress: Progress | None = None,
                    policy_path: Path = POLICY_PATH) -> dict:
    """Anonymise or delete what `report` counted, in one transaction, each record's change an
    audit event (source batch, naming the run). The cutoffs are recomputed from the policy and
    the report's time, never read from the report; a report of another policy version or
    older than a day is refused (PolicyError). Returns {run, applied: {kind: n}, total}."""
    require_officer(confirmed_by)
    progress = progress or _no_progress
    loaded = load_policy(policy_path)
    as_of = _report_time(report, loaded, timezone.now())
    run = RetentionRun.objects.create(report=report, confirmed_by=confirmed_by)
    applied = {}
    for rule in loaded.rules:
        ctx = audit.Context(
            actor=confirmed_by, source=Source.BATCH, source_ref=f"privacy.retention:{run.pk}",
            reason=f"retention {rule.kind} {rule.period()['en']} ({rule.action})")
        step = Step(ctx, run, progress, rule.kind)
        progress(rule.kind, 0, 0)
        record_kind = KINDS[rule.kind]
        applied[rule.kind] = record_kind.actions[rule.action](
            record_kind.candidates(rule.cutoff(as_of)), step)
    run.applied = applied
    run.save(update_fields=["applied"])
    audit.record(audit.Context(actor=confirmed_by, source=Source.BATCH,
                               source_ref=f"privacy.retention:{run.pk}"),
                 "privacy.retention.apply", run,
                 {kind: [None, n] for kind, n in applied.items()})
    return {"run": run.pk, "applied": applied, "total": sum(applied.values())}
