"""The suppression rules of the open-data tables. Issue 16, item 6: "Open data: aggregate tables
for the public (per kabupaten/kota and program), with small cells (under 5) suppressed so no
person can be singled out." Each test checks the published cells the way a reader would attack
them: by subtracting the shown cells from the province total."""

from itertools import product

from opendata import rules
from opendata.rules import HIDDEN, SMALL, Cell, follow_count, primary, protect


def possible_values(total: Cell, cells: dict[str, Cell], cell: str, booked: int = 0
                    ) -> set[int]:
    """Every value `cell` can have for a reader who knows the rules and sees the published
    cells: "<5" is 1..4, "x" is 5..the smallest number shown, and the hidden cells add up to
    the total minus the shown ones and minus what is `booked` at the province itself (assumed
    known: the worst case). Brute force over the hidden cells."""
    shown = [c.value for c in cells.values() if not c.mark]
    ceiling = min((v for v in shown if v > 0), default=60)
    ranges = {code: range(1, 5) if c.mark == SMALL else range(5, ceiling + 1)
              for code, c in cells.items() if c.mark}
    if total.mark == HIDDEN:
        return set(ranges[cell])
    totals = range(1, 5) if total.mark == SMALL else [total.value]
    found = set()
    codes = list(ranges)
    for values in product(*(ranges[c] for c in codes)):
        if booked + sum(shown) + sum(values) in totals:
            found.add(values[codes.index(cell)])
    return found


def test_a_count_of_1_to_4_is_shown_as_under_5_and_0_and_5_are_shown():
    assert [primary(v).text for v in (0, 1, 3, 4, 5, 120)] == ["0", "<5", "<5", "<5", "5", "120"]
    assert primary(3).value is None


def test_a_lone_small_cell_is_protected_by_hiding_the_next_smallest():
    parts = {"32.01": 120, "32.02": 3, "32.03": 50, "32.04": 200}
    total, cells = protect(373, parts)
    assert total == Cell(373)
    assert cells["32.02"] == Cell(None, SMALL)
    assert cells["32.03"] == Cell(None, HIDDEN), "the next-smallest kabupaten is hidden too"
    assert cells["32.01"] == Cell(120) and cells["32.04"] == Cell(200)
    assert len(possible_values(total, cells, "32.02")) > 1, "3 cannot be recovered from 373"


def test_without_the_complementary_cell_the_small_cell_would_be_recovered():
    parts = {"32.01": 120, "32.02": 3, "32.03": 50, "32.04": 200}
    only_primary = {code: primary(v) for code, v in parts.items()}
    assert possible_values(Cell(373), only_primary, "32.02") == {3}
    assert rules.recoverable(373, parts, [], total_small=False)
    assert not rules.recoverable(373, parts, ["32.03"], total_small=False)


def test_two_small_cells_that_add_up_to_their_minimum_get_a_complement():
    # 1 + 1: the hidden sum 2 tells the reader both are 1.
    parts = {"a": 1, "b": 1, "c": 40, "d": 90}
    total, cells = protect(132, parts)
    assert cells["c"].mark == HIDDEN and cells["d"] == Cell(90)
    assert all(len(possible_values(total, cells, c)) > 1 for c in ("a", "b"))


def test_complements_are_added_until_nothing_is_recoverable():
    # Hiding the 5 alone is not enough: the other 5 shows the hidden one is at most 5.
    parts = {"a": 3, "b": 5, "c": 5, "d": 200}
    total, cells = protect(213, parts)
    assert [cells[c].mark for c in "abcd"] == [SMALL, HIDDEN, HIDDEN, ""]
    assert len(possible_values(total, cells, "a")) > 1


def test_two_small_cells_with_a_sum_that_does_not_pin_them_need_no_complement():
    parts = {"a": 2, "b": 3, "c": 40}
    total, cells = protect(45, parts)
    assert [cells[c].text for c in "abc"] == ["<5", "<5", "40"]
    assert possible_values(total, cells, "a") == {1, 2, 3, 4}


def test_the_total_is_withheld_when_no_cell_is_left_to_hide():
    parts = {"a": 3, "b": 0, "c": 0}
    assert possible_values(Cell(10), {c: primary(v) for c, v in parts.items()}, "a",
                           booked=7) == {3}
    total, cells = protect(10, parts)  # 7 booked at the province itself
    assert total == Cell(None, HIDDEN)
    assert [cells[c].text for c in "abc"] == ["<5", "0", "0"]


def test_a_small_total_whose_small_cells_pin_each_other_is_withheld():
    # Four cells of 1 under a total of 4: "<5" total and each at least 1 would give all four.
    parts = {"a": 1, "b": 1, "c": 1, "d": 1}
    total, cells = protect(4, parts)
    assert total.mark == HIDDEN
    assert all(cells[c].mark == SMALL for c in "abcd")


def test_a_small_total_over_one_small_cell_stays_under_5():
    total, cells = protect(3, {"a": 3, "b": 0})
    assert total == Cell(None, SMALL) and cells == {"a": Cell(None, SMALL), "b": Cell(0)}
    assert possible_values(total, cells, "a") == {1, 2, 3, 4}


def test_the_rupiah_of_a_hidden_count_is_hidden_with_the_same_mark():
    # amount / benefit = count: Rp600.000 of Sembako is 3 families.
    assert follow_count(Cell(None, SMALL), 600_000) == Cell(None, SMALL)
    assert follow_count(Cell(None, HIDDEN), 10_000_000) == Cell(None, HIDDEN)
    assert follow_count(Cell(5), 1_000_000) == Cell(1_000_000)


def test_the_same_figures_always_hide_the_same_cells():
    parts = {"b": 30, "a": 30, "c": 2, "d": 70}
    assert protect(132, parts) == protect(132, dict(reversed(parts.items())))
    assert protect(132, parts)[1]["a"].mark == HIDDEN  # ties by code


def test_no_small_cell_is_ever_recovered_from_what_is_published():
    import random

    draw = random.Random(16)
    for _case in range(300):
        parts = {f"k{i}": draw.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 14, 30])
                 for i in range(draw.randint(1, 5))}
        booked = draw.choice([0, 0, 2])
        total, cells = protect(sum(parts.values()) + booked, parts)
        for code, cell in cells.items():
            if cell.mark == SMALL:
                assert len(possible_values(total, cells, code, booked)) > 1, (booked, parts)
