"""The one place that decides what a user may see and do.

Two questions, answered together: may this role take this action at all (the table below), and
does the region concerned lie inside the user's region scope. Every queryset that serves a user
goes through `scoped`, every action through `require`.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from wilayah.selectors import code_in_scope, within_scope

from .models import Role, User

VIEW_REGISTRY = "registry.view"
CHANGE_REGISTRY = "registry.change"
VIEW_AUDIT = "audit.view"
# The whole event log, filterable (audit app): auditors and the national officers.
VIEW_AUDIT_LOG = "audit.view_log"
MANAGE_ACCOUNTS = "accounts.manage"
USE_API = "api.use"
# DTKS update flow (registration app): propose, musdes/muskel, visit, approval chain.
PROPOSE = "registration.propose"
DECIDE_MEETING = "registration.decide_meeting"
ASSIGN_VISIT = "registration.assign_visit"
VERIFY = "registration.verify"
COMPILE = "registration.compile"
RATIFY = "registration.ratify"
FORWARD = "registration.forward"
DETERMINE = "registration.determine"
# The flow's scanned documents (bupati's decree, signed Berita Acara): the officials of the
# chain and the auditors, within their region; never public media.
VIEW_FLOW_DOCUMENTS = "registration.view_documents"
# Providers (sentra/balai/loka, UPTD, LKS) and the ATENSI workforce (Permensos 7/2021 art. 6, 42).
VIEW_PROVIDERS = "providers.view"
MANAGE_PROVIDERS = "providers.manage"
VIEW_WORKFORCE = "workforce.view"
MANAGE_WORKFORCE = "workforce.manage"
# ATENSI case files (Permensos 7/2021): case work by provider staff, supervision sign-off (the
# supervision competency is checked in atensi against the workforce certificates), and reports.
# Which cases a user sees (provider, referral, supervisor) is decided in atensi/access.py.
ATENSI_CASEWORK = "atensi.casework"
ATENSI_SUPERVISE = "atensi.supervise"
ATENSI_REPORTS = "atensi.reports"
# Data quality (linkage app): accept/apply/revert the cleansing proposals of pipeline runs
# (national roles); see runs and the data-quality dashboard within one's region.
VIEW_DATA_QUALITY = "linkage.view"
CLEANSE = "linkage.cleanse"
# Start snapshots and pipeline runs from the web (national data centre).
RUN_PIPELINE = "linkage.run"
# Welfare ranking (ranking app): a household's desil on its page (within one's region), and the
# PMT models with their fit metrics (national roles that decide targeting).
VIEW_DESIL = "ranking.view_desil"
VIEW_PMT_MODELS = "ranking.view_models"
# Clerical review of possible duplicates (linkage app): decide "same person" or "different
# people" for pairs whose two members both lie within one's region.
REVIEW_DUPLICATES = "linkage.review"
# Programs and targeting
VIEW_PROGRAMS = "programs.view"
EDIT_PROGRAM_RULES = "programs.edit_rules"
RUN_ELIGIBILITY = "programs.run"
FREEZE_ENROLLMENT = "programs.freeze"
VIEW_ENROLLMENT = "programs.view_enrollment"
IMPORT_LISTS = "programs.import_lists"
# Personal-data duties (UU 27/2022, privacy app): subject requests, the breach register and
# retention, by the data-protection officer; objections to automated decisions are answered by
# the program officers.
MANAGE_PRIVACY = "privacy.manage"
ANSWER_OBJECTIONS = "privacy.answer_objections"
# Payments (payments app): the program officer prepares a cycle, a finance officer approves it
# (never their own), generates the files and imports the banks' answers; Dinas Sosial offices,
# program managers and auditors see cycles and reconciliation within their region.
VIEW_PAYMENTS = "payments.view"
PREPARE_PAYMENT = "payments.prepare"
APPROVE_PAYMENT = "payments.approve"
DISBURSE = "payments.disburse"
RECONCILE = "payments.reconcile"
MANAGE_ACCOUNTS_KKS = "payments.manage_accounts"
# PT Pos cash payout (payments/pos.py): invitation letters, the counter page and its offline
# packages; statuses pushed by a channel's system account (payments/status_api.py); the
# post-payment verification sample, its answers and report (payments/verification.py).
POS_INVITATIONS = "payments.pos_invitations"
POS_COUNTER = "payments.pos_counter"
PUSH_PAYMENT_STATUS = "payments.push_status"
DRAW_VERIFICATION = "payments.draw_verification"
VERIFY_PAYMENT = "payments.verify"
# E-warong (ewarong app): registration at the village and approval and sanctions by the Dinas
# Sosial; HET lists by the program and regional offices; selling by the merchant's own staff;
# monitoring, wallets on the household page, PIN resets and printed QR letters.
REGISTER_EWARONG = "ewarong.register"
APPROVE_EWARONG = "ewarong.approve"
MANAGE_HET = "ewarong.manage_het"
SELL = "ewarong.sell"
VIEW_EWARONG = "ewarong.view"
VIEW_WALLET = "ewarong.view_wallet"
MANAGE_WALLET_ACCESS = "ewarong.manage_access"
ISSUE_QR = "ewarong.issue_qr"
# Background jobs: everyone sees the jobs they started; these roles see every job in their scope.
VIEW_ALL_JOBS = "jobs.view_all"

# Everyone but the payment channels' own accounts (Pos counter, bank systems), which see only
# the payments of their channel, the e-warong merchants, who see only their own sales, and the
# Posyandu volunteers, who see only the elderly members of their posts.
_ALL_READERS = set(Role.values) - {Role.PETUGAS_POS, Role.PENYALUR, Role.EWARONG,
                                   Role.KADER_POSYANDU}
PERMISSIONS: dict[str, set[str]] = {
    VIEW_ALL_JOBS: {Role.PUSAT, Role.DINSOS_PROVINSI, Role.AUDITOR, Role.ADMINISTRATOR},
    VIEW_REGISTRY: _ALL_READERS,
    # Direct edits of registry records. The registry changes through the update flow (seed
    # 003, UU 13/2011 art. 8: village -> musdes -> Dinas Sosial verification -> bupati/walikota
    # -> gubernur -> the Minister's decree): village and Dinas Sosial officers propose (usulan),
    # the centre's penetapan applies. Only the ministry's data centre (and the administrator
    # acting for it) changes records directly, as it does for cleansing (CLEANSE).
    CHANGE_REGISTRY: {Role.PUSAT, Role.ADMINISTRATOR},
    VIEW_FLOW_DOCUMENTS: {
        Role.OPERATOR_DESA,
        Role.OPERATOR_KABUPATEN,
        Role.VERIFIER_KABUPATEN,
        Role.DINSOS_PROVINSI,
        Role.PUSAT,
        Role.AUDITOR,
    },
    VIEW_AUDIT: {
        Role.AUDITOR,
        Role.DPO,
        Role.ADMINISTRATOR,
        Role.PUSAT,
        Role.DINSOS_PROVINSI,
        Role.OPERATOR_KABUPATEN,
        Role.VERIFIER_KABUPATEN,
    },
    VIEW_AUDIT_LOG: {Role.AUDITOR, Role.PUSAT},
    MANAGE_ACCOUNTS: {Role.ADMINISTRATOR},
    USE_API: _ALL_READERS | {Role.PENYALUR, Role.EWARONG},
    # Pekerja sosial propose only ATENSI cases, the data-protection officer only a data subject's
    # correction; the registration service checks the kind and source.
    PROPOSE: {
        Role.OPERATOR_DESA,
        Role.OPERATOR_KABUPATEN,
        Role.VERIFIER_KABUPATEN,
        Role.PUSAT,
        Role.PEKERJA_SOSIAL,
        Role.DPO,
    },
    DECIDE_MEETING: {Role.OPERATOR_DESA, Role.OPERATOR_KABUPATEN},
    ASSIGN_VISIT: {Role.OPERATOR_KABUPATEN},
    VERIFY: {Role.VERIFIER_KABUPATEN, Role.OPERATOR_KABUPATEN},
    COMPILE: {Role.OPERATOR_KABUPATEN},
    # The bupati/walikota ratifies; the Dinas Sosial operator records the decree.
    RATIFY: {Role.OPERATOR_KABUPATEN},
    FORWARD: {Role.DINSOS_PROVINSI},
    DETERMINE: {Role.PUSAT},
    VIEW_PROVIDERS: _ALL_READERS,
    MANAGE_PROVIDERS: {
        Role.OPERATOR_KABUPATEN,
        Role.DINSOS_PROVINSI,
        Role.PUSAT,
        Role.ADMINISTRATOR,
    },
    VIEW_WORKFORCE: {
        Role.OPERATOR_KABUPATEN,
        Role.VERIFIER_KABUPATEN,
        Role.DINSOS_PROVINSI,
        Role.PUSAT,
        Role.PROGRAM_MANAGER,
        Role.PEKERJA_SOSIAL,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
    },
    MANAGE_WORKFORCE: {
        Role.OPERATOR_KABUPATEN,
        Role.DINSOS_PROVINSI,
        Role.PUSAT,
        Role.ADMINISTRATOR,
    },
    ATENSI_CASEWORK: {Role.PEKERJA_SOSIAL, Role.PENDAMPING},
    ATENSI_SUPERVISE: {Role.PEKERJA_SOSIAL},
    # Counts by stage/cluster/region and the article 43 reports to the Dinas Sosial.
    ATENSI_REPORTS: {
        Role.OPERATOR_KABUPATEN,
        Role.VERIFIER_KABUPATEN,
        Role.DINSOS_PROVINSI,
        Role.PUSAT,
        Role.PROGRAM_MANAGER,
        Role.PEKERJA_SOSIAL,
    },
    VIEW_DATA_QUALITY: {
        Role.PUSAT,
        Role.ADMINISTRATOR,
        Role.DINSOS_PROVINSI,
        Role.OPERATOR_KABUPATEN,
        Role.VERIFIER_KABUPATEN,
        Role.AUDITOR,
    },
    CLEANSE: {Role.PUSAT, Role.ADMINISTRATOR},
    RUN_PIPELINE: {Role.PUSAT, Role.ADMINISTRATOR},
    VIEW_DESIL: _ALL_READERS,
    VIEW_PMT_MODELS: {Role.PUSAT, Role.ADMINISTRATOR, Role.PROGRAM_MANAGER},
    REVIEW_DUPLICATES: {
        Role.OPERATOR_KABUPATEN,
        Role.VERIFIER_KABUPATEN,
        Role.DINSOS_PROVINSI,
        Role.PUSAT,
    },
    VIEW_PROGRAMS: _ALL_READERS,
    # Rules, quotas and what-if are national decisions of the program's managers.
    EDIT_PROGRAM_RULES: {Role.PROGRAM_MANAGER, Role.PUSAT},
    RUN_ELIGIBILITY: {Role.PROGRAM_MANAGER, Role.PUSAT},
    FREEZE_ENROLLMENT: {Role.PROGRAM_MANAGER},
    # KPM lists by name: the regions' social-affairs offices, pendamping, auditors.
    VIEW_ENROLLMENT: {
        Role.OPERATOR_DESA,
        Role.OPERATOR_KABUPATEN,
        Role.VERIFIER_KABUPATEN,
        Role.DINSOS_PROVINSI,
        Role.PUSAT,
        Role.PROGRAM_MANAGER,
        Role.PENDAMPING,
        Role.AUDITOR,
    },
    IMPORT_LISTS: {Role.PUSAT, Role.PROGRAM_MANAGER},
    MANAGE_PRIVACY: {Role.DPO, Role.ADMINISTRATOR},
    ANSWER_OBJECTIONS: {Role.PROGRAM_MANAGER},
    VIEW_PAYMENTS: {
        Role.OPERATOR_KABUPATEN,
        Role.DINSOS_PROVINSI,
        Role.PUSAT,
        Role.PROGRAM_MANAGER,
        Role.KEUANGAN,
        Role.AUDITOR,
    },
    PREPARE_PAYMENT: {Role.PROGRAM_MANAGER},
    APPROVE_PAYMENT: {Role.KEUANGAN},
    DISBURSE: {Role.KEUANGAN},
    RECONCILE: {Role.KEUANGAN},
    MANAGE_ACCOUNTS_KKS: {Role.KEUANGAN, Role.PROGRAM_MANAGER},
    POS_INVITATIONS: {Role.KEUANGAN, Role.PROGRAM_MANAGER, Role.OPERATOR_KABUPATEN,
                      Role.PETUGAS_POS},
    POS_COUNTER: {Role.PETUGAS_POS},
    PUSH_PAYMENT_STATUS: {Role.PENYALUR},
    DRAW_VERIFICATION: {Role.PROGRAM_MANAGER, Role.PUSAT},
    VERIFY_PAYMENT: {Role.PENDAMPING, Role.OPERATOR_KABUPATEN, Role.VERIFIER_KABUPATEN},
    REGISTER_EWARONG: {Role.OPERATOR_DESA, Role.OPERATOR_KABUPATEN},
    APPROVE_EWARONG: {Role.OPERATOR_KABUPATEN},
    MANAGE_HET: {Role.PROGRAM_MANAGER, Role.PUSAT, Role.DINSOS_PROVINSI, Role.OPERATOR_KABUPATEN},
    SELL: {Role.EWARONG},
    VIEW_EWARONG: {
        Role.OPERATOR_DESA,
        Role.OPERATOR_KABUPATEN,
        Role.VERIFIER_KABUPATEN,
        Role.DINSOS_PROVINSI,
        Role.PUSAT,
        Role.PROGRAM_MANAGER,
        Role.PENDAMPING,
        Role.AUDITOR,
    },
    # The pendamping handle "saldonya kurang" (seed 004): they see a family's balance too.
    VIEW_WALLET: {
        Role.OPERATOR_DESA,
        Role.OPERATOR_KABUPATEN,
        Role.VERIFIER_KABUPATEN,
        Role.DINSOS_PROVINSI,
        Role.PUSAT,
        Role.PROGRAM_MANAGER,
        Role.PENDAMPING,
        Role.KEUANGAN,
        Role.AUDITOR,
    },
    MANAGE_WALLET_ACCESS: {Role.OPERATOR_KABUPATEN, Role.KEUANGAN},
    ISSUE_QR: {Role.OPERATOR_KABUPATEN, Role.PENDAMPING, Role.PENYALUR},
}

# PKH conditionality (pkh app): the pendamping records a family's commitments, files appeals
# and holds the P2K2 sessions; the Dinas Sosial (regency/city) imports school and health files,
# decides appeals and graduations; the program managers set the rules and verify a stage.
PKH_VIEW = "pkh.view"
PKH_VERIFY = "pkh.verify"
PKH_IMPORT = "pkh.import"
PKH_RUN_STAGE = "pkh.run_stage"
PKH_EDIT_RULES = "pkh.edit_rules"
PKH_APPEAL = "pkh.appeal"
PKH_DECIDE_APPEAL = "pkh.decide_appeal"
PKH_GRADUATE = "pkh.graduate"
PKH_P2K2 = "pkh.p2k2"
PERMISSIONS.update({
    PKH_VIEW: PERMISSIONS[VIEW_ENROLLMENT],
    PKH_VERIFY: {Role.PENDAMPING, Role.OPERATOR_KABUPATEN},
    PKH_IMPORT: {Role.OPERATOR_KABUPATEN, Role.PROGRAM_MANAGER},
    PKH_RUN_STAGE: {Role.PROGRAM_MANAGER, Role.PUSAT},
    PKH_EDIT_RULES: {Role.PROGRAM_MANAGER, Role.PUSAT},
    PKH_APPEAL: {Role.PENDAMPING},
    PKH_DECIDE_APPEAL: {Role.OPERATOR_KABUPATEN},
    PKH_GRADUATE: {Role.PENDAMPING, Role.OPERATOR_KABUPATEN},
    PKH_P2K2: {Role.PENDAMPING},
})

# Complaints (grievance app): the queue of complaints, usul and sanggah within one's region
# (which unit's queue a role works is data in grievance/routing.py); recording a phone or
# walk-in complaint; incidents; the SP4N-LAPOR! import; Serasi referrals; reports.
VIEW_COMPLAINTS = "grievance.view"
HANDLE_COMPLAINTS = "grievance.handle"
RECORD_COMPLAINT = "grievance.record"
MANAGE_INCIDENTS = "grievance.incidents"
IMPORT_COMPLAINTS = "grievance.import"
REFER_COMPLAINT = "grievance.refer"
COMPLAINT_REPORTS = "grievance.reports"
_COMPLAINT_HANDLERS = {
    Role.OPERATOR_DESA, Role.OPERATOR_KABUPATEN, Role.VERIFIER_KABUPATEN, Role.DINSOS_PROVINSI,
    Role.PUSAT, Role.PROGRAM_MANAGER, Role.PENDAMPING,
}
PERMISSIONS.update({
    VIEW_COMPLAINTS: _COMPLAINT_HANDLERS | {Role.AUDITOR},
    HANDLE_COMPLAINTS: _COMPLAINT_HANDLERS,
    RECORD_COMPLAINT: _COMPLAINT_HANDLERS,
    MANAGE_INCIDENTS: {Role.OPERATOR_KABUPATEN, Role.DINSOS_PROVINSI, Role.PUSAT,
                       Role.PROGRAM_MANAGER},
    IMPORT_COMPLAINTS: {Role.OPERATOR_KABUPATEN, Role.DINSOS_PROVINSI, Role.PUSAT},
    REFER_COMPLAINT: {Role.OPERATOR_KABUPATEN, Role.VERIFIER_KABUPATEN, Role.DINSOS_PROVINSI,
                      Role.PENDAMPING},
    COMPLAINT_REPORTS: {Role.OPERATOR_KABUPATEN, Role.DINSOS_PROVINSI, Role.PUSAT,
                        Role.PROGRAM_MANAGER, Role.AUDITOR},
})

# Accountability (issue 16). Dashboards and open-data tables in one's region (reports); the audit
# board's checks (reports.findings); the budget ceilings, revisions and allocations (budgets);
# the monthly report: the Dinas Sosial prepares it, its head signs it off and sends it up, the
# province and the ministry consolidate what reached them (monthly_reports).
VIEW_REPORTS = "reports.view"
REFRESH_SUMMARIES = "reports.refresh"
VIEW_FINDINGS = "reports.findings"
VIEW_BUDGET = "budgets.view"
MANAGE_BUDGET = "budgets.manage"
PREPARE_MONTHLY_REPORT = "monthly_reports.prepare"
SIGN_MONTHLY_REPORT = "monthly_reports.sign"
CONSOLIDATE_MONTHLY_REPORTS = "monthly_reports.consolidate"
_LEADERS = {Role.OPERATOR_KABUPATEN, Role.VERIFIER_KABUPATEN, Role.DINSOS_PROVINSI, Role.PUSAT,
            Role.PROGRAM_MANAGER, Role.KEUANGAN, Role.AUDITOR, Role.KEPALA_DINAS}
PERMISSIONS.update({
    VIEW_REPORTS: _LEADERS | {Role.OPERATOR_DESA, Role.PEKERJA_SOSIAL, Role.PENDAMPING},
    REFRESH_SUMMARIES: {Role.PUSAT, Role.ADMINISTRATOR},
    VIEW_FINDINGS: {Role.AUDITOR, Role.PUSAT, Role.DINSOS_PROVINSI, Role.OPERATOR_KABUPATEN,
                    Role.PROGRAM_MANAGER, Role.KEUANGAN, Role.KEPALA_DINAS},
    VIEW_BUDGET: _LEADERS,
    MANAGE_BUDGET: {Role.KEUANGAN, Role.PUSAT},
    PREPARE_MONTHLY_REPORT: {Role.OPERATOR_KABUPATEN, Role.DINSOS_PROVINSI, Role.PUSAT},
    SIGN_MONTHLY_REPORT: {Role.KEPALA_DINAS},
    CONSOLIDATE_MONTHLY_REPORTS: {Role.DINSOS_PROVINSI, Role.PUSAT},
})

# Sentra Kreasi ATENSI (sentra app, Permensos 7/2021 art. 1; seed 002): the sentra's units,
# facilities and partners, its participants, their businesses, training, sales and job
# placements, and the outcome reports.
VIEW_SENTRA = "sentra.view"
MANAGE_SENTRA = "sentra.manage"
RECORD_SENTRA = "sentra.record"
PERMISSIONS.update({
    VIEW_SENTRA: {Role.OPERATOR_KABUPATEN, Role.VERIFIER_KABUPATEN, Role.DINSOS_PROVINSI,
                  Role.PUSAT, Role.PROGRAM_MANAGER, Role.PEKERJA_SOSIAL, Role.PENDAMPING,
                  Role.AUDITOR, Role.ADMINISTRATOR},
    MANAGE_SENTRA: {Role.PUSAT, Role.ADMINISTRATOR, Role.PEKERJA_SOSIAL},
    RECORD_SENTRA: {Role.PEKERJA_SOSIAL, Role.PENDAMPING},
})

# Posyandu Lansia (lansia app, Permensos 7/2021): posts per village/RW and their volunteers,
# elderly members, monthly sessions with attendance, services and risk flags that refer to
# ATENSI or to the PKH elderly component; reports per post and region.
VIEW_LANSIA = "lansia.view"
MANAGE_POSYANDU = "lansia.manage"
RECORD_POSYANDU = "lansia.record"
PERMISSIONS.update({
    VIEW_LANSIA: {Role.OPERATOR_DESA, Role.OPERATOR_KABUPATEN, Role.VERIFIER_KABUPATEN,
                  Role.DINSOS_PROVINSI, Role.PUSAT, Role.PEKERJA_SOSIAL, Role.PENDAMPING,
                  Role.AUDITOR, Role.KADER_POSYANDU},
    MANAGE_POSYANDU: {Role.OPERATOR_DESA, Role.OPERATOR_KABUPATEN},
    RECORD_POSYANDU: {Role.KADER_POSYANDU, Role.OPERATOR_DESA},
})

# The region level (number of code parts) each role is bound to; None = any level incl. national.
ROLE_SCOPE_LEVEL: dict[str, int | None] = {
    Role.OPERATOR_DESA: 4,
    Role.OPERATOR_KABUPATEN: 2,
    Role.VERIFIER_KABUPATEN: 2,
    Role.DINSOS_PROVINSI: 1,
    Role.EWARONG: 4,
    Role.KADER_POSYANDU: 4,
}


def scope_prefix(user: User) -> str | None:
    """The region code prefix the user works in: '' for national, None for no access."""
    if not user.is_authenticated or not user.is_active or not getattr(user, "role", ""):
        return None
    return user.scope_code


def role_allows(user: User, action: str) -> bool:
    return scope_prefix(user) is not None and user.role in PERMISSIONS.get(action, set())


def can(user: User, action: str, region_code: str | None = None) -> bool:
    """May `user` take `action` on something located in `region_code` (None: no region)?"""
    if not role_allows(user, action):
        return False
    return region_code is None or code_in_scope(region_code, scope_prefix(user) or "")


def require(user: User, action: str, region_code: str | None = None) -> None:
    if not can(user, action, region_code):
        raise PermissionDenied(action)


def scoped(
    user: User, queryset: QuerySet, region_field: str, action: str = VIEW_REGISTRY
) -> QuerySet:
    """`queryset` reduced to what `user` may see: nothing without the role, else its region."""
    if not role_allows(user, action):
        return queryset.none()
    return queryset.filter(within_scope(scope_prefix(user) or "", region_field))


def scope_problem(role: str, region_code: str) -> str | None:
    """Why a region does not fit a role (a village operator must be bound to a village...)."""
    level = ROLE_SCOPE_LEVEL.get(role)
    if level is None:
        return None
    if not region_code or len(region_code.split(".")) != level:
        return f"role {role} must be bound to a region of level {level}"
    return None
