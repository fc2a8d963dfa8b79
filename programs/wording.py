"""How decisions read to people: a clause's outcome in words ("Tidak terpenuhi: Termasuk desil
1-5"), and a run's reason codes (a clause id, or what happened outside the rules) as a sentence,
in Indonesian or English. Every page, export and API answer words reasons through here."""

from . import exits

OUTCOMES = {
    ("require", "for"): ("Terpenuhi", "Met"),
    ("require", "against"): ("Tidak terpenuhi", "Not met"),
    ("exclude", "against"): ("Dikecualikan", "Excluded"),
    ("exclude", "for"): ("Tidak berlaku", "Does not apply"),
    ("require", "unknown"): ("Belum dapat dinilai", "Cannot be assessed yet"),
    ("exclude", "unknown"): ("Belum dapat dinilai", "Cannot be assessed yet"),
}
REASONS = {  # reason codes a run gives besides clause ids
    "not_assessed": ("Belum dapat dinilai (data belum lengkap: desil atau padan Dukcapil)",
                     "Not yet assessed (missing data: desil or Dukcapil match)"),
    "quota": ("Di luar kuota wilayah (masuk daftar tunggu)",
              "Beyond the region's quota (on the waiting list)"),
    "not_in_registry": ("Tidak lagi tercatat aktif di DTKS", "No longer active in DTKS"),
}
UNKNOWN_VALUE = ("belum diketahui", "not known")
MONEY = frozenset({"max_income", "umk"})  # targeting-view columns in rupiah
YES_NO = {True: ("ya", "yes"), False: ("tidak", "no")}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "id" else pair[1]


def outcome_label(kind: str, outcome: str, lang: str = "id") -> str:
    """'Terpenuhi', 'Tidak terpenuhi', 'Dikecualikan', 'Tidak berlaku', 'Belum dapat dinilai'."""
    return _pick(OUTCOMES[(kind, outcome)], lang)


def clause_sentence(kind: str, outcome: str, text: str, lang: str = "id") -> str:
    return f"{outcome_label(kind, outcome, lang)}: {text}"


def value_text(value, lang: str = "id", money: bool = False) -> str:
    """A value read by a clause in words: 'ya', 'belum diketahui', 12.345, or with `money`
    integer rupiah, 'Rp4.217.206' (Indonesian) / 'Rp4,217,206' (English)."""
    if value is None:
        return _pick(UNKNOWN_VALUE, lang)
    if isinstance(value, bool):
        return _pick(YES_NO[value], lang)
    if isinstance(value, int):
        grouped = f"{value:,}".replace(",", "." if lang == "id" else ",")
        return f"Rp{grouped}" if money else grouped
    return str(value)


def reason_text(definition: dict, reason: str, lang: str = "id") -> str:
    """A run's reason code as words: the deciding clause with its outcome, or a special code."""
    if not reason:
        return ""
    if reason in REASONS:
        return _pick(REASONS[reason], lang)
    if exit_words := exits.words(reason):
        return _pick(exit_words, lang)
    for clause in definition.get("clauses") or []:
        if clause.get("id") == reason:
            texts = clause.get("reason") or {}
            text = texts.get(lang) or texts.get("id") or reason
            return clause_sentence(clause.get("kind", "require"), "against", text, lang)
    return reason
