"""Small-cell suppression of the open-data tables (issue 16, item 6: "aggregate tables for the
public (per kabupaten/kota and program), with small cells (under 5) suppressed so no person can
be singled out"). Plain functions over integers; no Django.

The rules, per column of one province (its kabupaten/kota and the province's own total):

1. Primary: a count of 1 to 4 people, households or complaints is shown as "<5". A 0 stays 0:
   it says that nobody is there, which singles nobody out, and hiding it would let a reader take
   "<5" for "maybe nobody".
2. Complementary: the province total is shown, so total minus the kabupaten shown gives the sum
   of the hidden ones. While that sum still pins a "<5" cell to one value (one hidden cell of 3
   is recovered exactly; two cells of 1 are too, since each is at least 1), the smallest shown
   kabupaten of at least 5 is hidden as well ("x"). The reader is assumed to know these rules:
   a "<5" lies in 1..4, an "x" at least 5 and at most the smallest number still shown.
3. Withheld total: when no cell is left to hide and a small cell could still be recovered (the
   other kabupaten are 0, or the total itself is "<5" and its small cells add up to it), the
   province total is withheld ("x") instead, and the complementary cells come back.
4. A rupiah amount is count x benefit, so it is hidden whenever its count is (see
   `follow_count`): a visible amount divided by the program's benefit would give the count.

No national total is published: it would let province cells be recovered the same way."""

from collections.abc import Mapping
from dataclasses import dataclass

THRESHOLD = 5  # counts below this, and above 0, are suppressed
SMALL = "<5"
HIDDEN = "x"  # a complementary cell or a withheld total


@dataclass(frozen=True)
class Cell:
    """One published cell: `value` when shown, else None with its `mark` ("<5" or "x")."""
    value: int | None
    mark: str = ""

    @property
    def text(self) -> str:
        return self.mark or str(self.value)


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


def primary(value: int) -> Cell:
    """Rule 1 alone: "<5" for 1..4, the value otherwise (0 included)."""
    return Cell(None, SMALL) if is_small(value) else Cell(value)


def follow_count(count: Cell, amount: int) -> Cell:
    """Rule 4: the rupiah of a count is hidden, with the same mark, whenever the count is."""
    return Cell(None, count.mark) if count.mark else Cell(amount)


def recoverable(total: int, parts: Mapping[str, int], complements: list[str],
                total_small: bool) -> bool:
    """Whether a reader who sees the shown parts and the total (exact, or only "<5" when
    `total_small`) can work out the exact value of a "<5" part.

    The hidden parts' sum H lies in a known interval; each hidden part lies in a known box
    ("<5": 1..4; "x": 5..the smallest shown non-zero part). With one sum and boxes, the values
    a part can take are exactly [max(lo, H_lo - sum of the others' highs),
    min(hi, H_hi - sum of the others' lows)]: recovered when that is a single value."""
    small = [c for c, v in parts.items() if is_small(v)]
    hidden = set(small) | set(complements)
    shown_sum = sum(v for c, v in parts.items() if c not in hidden)
    residual = total - sum(parts.values())  # figures booked at the province itself
    known_lo, known_hi = (1, THRESHOLD - 1) if total_small else (total, total)
    sum_lo, sum_hi = known_lo - residual - shown_sum, known_hi - residual - shown_sum
    shown_nonzero = [v for c, v in parts.items() if c not in hidden and v > 0]
    ceiling = min(shown_nonzero, default=max(sum_hi, THRESHOLD))
    low = {c: 1 if c in small else THRESHOLD for c in hidden}
    high = {c: THRESHOLD - 1 if c in small else ceiling for c in hidden}
    all_low, all_high = sum(low.values()), sum(high.values())
    for cell in small:
        lo = max(low[cell], sum_lo - (all_high - high[cell]))
        hi = min(high[cell], sum_hi - (all_low - low[cell]))
        if lo >= hi:
            return True
    return False


def protect(total: int, parts: Mapping[str, int]) -> tuple[Cell, dict[str, Cell]]:
    """Rules 1-3 for one column of one province: (the total's cell, {kabupaten code: cell})."""
    cells = {code: primary(value) for code, value in parts.items()}
    total_small = is_small(total)
    total_cell = primary(total)
    if not any(c.mark for c in cells.values()):
        return total_cell, cells
    # Smallest first (ties by code, so the same figures always hide the same cells).
    candidates = sorted((v, c) for c, v in parts.items() if v >= THRESHOLD)
    complements: list[str] = []
    while recoverable(total, parts, complements, total_small):
        if not candidates:
            return Cell(None, HIDDEN), {code: primary(v) for code, v in parts.items()}
        complements.append(candidates.pop(0)[1])
    for code in complements:
        cells[code] = Cell(None, HIDDEN)
    return total_cell, cells
