"""The rule language: one expression syntax for every program, checked when saved, compiled to
SQL for the bulk path and evaluated in Python for one household, with the same three-valued
logic (an unknown attribute makes a comparison unknown; `and`/`or`/`not` follow SQL).

    desil <= 4 and head_padan
    on_list('asn') or on_list('tni_polri')
    n_elderly + n_disabled > 0
    province_code in ['31', '32', '33', '34', '35', '36', '51']
    not in_program('pkh')

Names are the attributes of `programs/attributes.py` for the program's unit; literals are
integers, 'text', true/false and [lists] after `in`; operators: and, or, not, ==, !=, <, <=,
>, >=, in, not in, +, -, *; functions on_list('kind') and in_program('code')."""

import ast
from dataclasses import dataclass
from typing import Any

from base.sql import PORTABLE, literal

from .attributes import (
    BOOL,
    FUNCTIONS,
    INT,
    LIST_FUNCTION,
    TEXT,
    for_unit,
    list_column,
    program_column,
)

MAX_LENGTH = 2000
TYPE_NAMES = {INT: ("bilangan", "number"), BOOL: ("ya/tidak", "yes/no"),
              TEXT: ("teks", "text")}
COMPARE_SQL = {ast.Eq: "=", ast.NotEq: "<>", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
               ast.GtE: ">="}
COMPARE_TEXT = {ast.Eq: "=", ast.NotEq: "≠", ast.Lt: "<", ast.LtE: "≤", ast.Gt: ">",
                ast.GtE: "≥"}
ARITHMETIC_SQL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*"}
UNIT_NAMES = {"household": ("rumah tangga", "household"), "person": ("perorangan", "person")}
LITERAL_NAMES = {"true": True, "false": False, "True": True, "False": False}


class RuleError(Exception):
    """A rule that cannot be used, with the reason in Indonesian and English."""

    def __init__(self, id_: str, en: str):
        super().__init__(en)
        self.id, self.en = id_, en

    def message(self, lang: str = "id") -> str:
        return self.id if lang == "id" else self.en


@dataclass(frozen=True)
class Context:
    """What a rule may refer to: the program's unit, the list kinds and program codes known."""

    unit: str
    list_kinds: frozenset[str]
    program_codes: frozenset[str]


@dataclass(frozen=True)
class Rule:
    text: str
    tree: ast.expr
    type: str
    columns: frozenset[str]  # view columns it reads (for explanations)


def parse(text: str, context: Context, expect: str | None = BOOL) -> Rule:
    """Parse and type-check `text`; RuleError names the attribute, function or operator at
    fault. `expect` is the type the whole expression must have (None: any)."""
    text = (text or "").strip()
    if not text:
        raise RuleError("Aturan kosong.", "The rule is empty.")
    if len(text) > MAX_LENGTH:
        raise RuleError(f"Aturan lebih dari {MAX_LENGTH} karakter.",
                        f"The rule is longer than {MAX_LENGTH} characters.")
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise RuleError(f"Penulisan aturan tidak dapat dibaca dekat kolom {exc.offset}.",
                        f"The rule cannot be read near column {exc.offset}.") from None
    checker = _Checker(context)
    type_ = checker.type_of(tree)
    if expect and type_ != expect:
        raise RuleError(
            f"Aturan harus bernilai {TYPE_NAMES[expect][0]}, bukan {TYPE_NAMES[type_][0]}.",
            f"The rule must give {TYPE_NAMES[expect][1]}, not {TYPE_NAMES[type_][1]}.")
    return Rule(text, tree, type_, frozenset(checker.columns))


class _Checker:
    def __init__(self, context: Context):
        self.context = context
        self.attributes = for_unit(context.unit)
        self.columns: set[str] = set()

    def type_of(self, node: ast.AST) -> str:  # noqa: C901 -- one branch per node kind
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                self._expect(value, BOOL, "and/or")
            return BOOL
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self._expect(node.operand, BOOL, "not")
            return BOOL
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            self._expect(node.operand, INT, "-")
            return INT
        if isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC_SQL:
            self._expect(node.left, INT, "+ - *")
            self._expect(node.right, INT, "+ - *")
            return INT
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.Constant):
            return _literal_type(node.value)
        if isinstance(node, ast.Call):
            return self._call(node)
        raise RuleError(f"Bagian aturan ini tidak dikenal: {ast.unparse(node)!r}.",
                        f"This part of the rule is not allowed: {ast.unparse(node)!r}.")

    def _expect(self, node: ast.AST, type_: str, operator: str) -> None:
        got = self.type_of(node)
        if got != type_:
            part, op = _quoted(ast.unparse(node)), _quoted(operator)
            raise RuleError(
                f"{part} bernilai {TYPE_NAMES[got][0]}, sedangkan {op} "
                f"memerlukan {TYPE_NAMES[type_][0]}.",
                f"{part} is {TYPE_NAMES[got][1]}, but {op} needs {TYPE_NAMES[type_][1]}.")

    def _name(self, name: str) -> str:
        if name in LITERAL_NAMES:
            return BOOL
        attribute = self.attributes.get(name)
        if attribute is None:
            unit_id, unit_en = UNIT_NAMES[self.context.unit]
            raise RuleError(f"Atribut '{name}' tidak dikenal untuk program dengan sasaran "
                            f"{unit_id}.", f"Unknown attribute '{name}' for a {unit_en} program.")
        self.columns.add(name)
        return attribute.type

    def _compare(self, node: ast.Compare) -> str:
        if len(node.ops) != 1:
            raise RuleError("Gunakan satu perbandingan saja; gabungkan dengan 'and'.",
                            "Use one comparison at a time; join them with 'and'.")
        op, right = node.ops[0], node.comparators[0]
        left = self.type_of(node.left)
        if isinstance(op, ast.In | ast.NotIn):
            if not isinstance(right, ast.List | ast.Tuple) or not right.elts:
                raise RuleError("Sesudah 'in' harus ada daftar nilai, misalnya ['31', '32'].",
                                "'in' must be followed by a list of values, e.g. ['31', '32'].")
            for element in right.elts:
                if not isinstance(element, ast.Constant) or _literal_type(element.value) != left:
                    raise RuleError(
                        f"Nilai {ast.unparse(element)} dalam daftar bukan "
                        f"{TYPE_NAMES[left][0]} seperti {_quoted(ast.unparse(node.left))}.",
                        f"Value {ast.unparse(element)} in the list is not "
                        f"{TYPE_NAMES[left][1]} like {_quoted(ast.unparse(node.left))}.")
            return BOOL
        if type(op) not in COMPARE_SQL:
            raise RuleError("Operator perbandingan tidak dikenal.", "Unknown comparison operator.")
        self._expect(right, left, ast.unparse(node.left))
        if left == BOOL and type(op) not in (ast.Eq, ast.NotEq):
            raise RuleError("Nilai ya/tidak hanya dapat dibandingkan dengan == atau !=.",
                            "Yes/no values can only be compared with == or !=.")
        return BOOL

    def _call(self, node: ast.Call) -> str:
        name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
        if name not in FUNCTIONS:
            raise RuleError(f"Fungsi '{name}' tidak dikenal (gunakan on_list atau in_program).",
                            f"Unknown function '{name}' (use on_list or in_program).")
        if (len(node.args) != 1 or node.keywords or not isinstance(node.args[0], ast.Constant)
                or not isinstance(node.args[0].value, str)):
            raise RuleError(f"{name}() memerlukan satu kode dalam tanda kutip.",
                            f"{name}() takes one quoted code.")
        arg = node.args[0].value
        if name == LIST_FUNCTION:
            if arg not in self.context.list_kinds:
                raise RuleError(f"Daftar '{arg}' tidak dikenal.", f"Unknown list '{arg}'.")
            self.columns.add(list_column(arg))
        else:
            if arg not in self.context.program_codes:
                raise RuleError(f"Program '{arg}' tidak dikenal.", f"Unknown program '{arg}'.")
            self.columns.add(program_column(arg))
        return BOOL


def _quoted(text: str) -> str:
    """A part of a rule quoted in a message; a text literal already carries its quotes."""
    return text if text[:1] in "'\"" else f"'{text}'"


def _literal_type(value: Any) -> str:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, str):
        return TEXT
    raise RuleError(f"Nilai {value!r} tidak dapat dipakai (bilangan bulat, teks, true/false).",
                    f"Value {value!r} cannot be used (whole numbers, text, true/false).")


# --- SQL ---------------------------------------------------------------------------------------


def to_sql(rule: Rule) -> str:
    """The rule as a SQL expression over the targeting view (DuckDB, PostgreSQL, Spark SQL)."""
    return _sql(rule.tree)


def _sql(node: ast.AST) -> str:  # noqa: C901 -- one branch per node kind
    if isinstance(node, ast.BoolOp):
        joiner = " AND " if isinstance(node.op, ast.And) else " OR "
        return "(" + joiner.join(_sql(v) for v in node.values) + ")"
    if isinstance(node, ast.UnaryOp):
        return f"(NOT {_sql(node.operand)})" if isinstance(node.op, ast.Not) \
            else f"(-{_sql(node.operand)})"
    if isinstance(node, ast.BinOp):
        return f"({_sql(node.left)} {ARITHMETIC_SQL[type(node.op)]} {_sql(node.right)})"
    if isinstance(node, ast.Compare):
        op, right = node.ops[0], node.comparators[0]
        if isinstance(op, ast.In | ast.NotIn):
            values = ", ".join(_sql(e) for e in right.elts)
            keyword = "IN" if isinstance(op, ast.In) else "NOT IN"
            return f"({_sql(node.left)} {keyword} ({values}))"
        return f"({_sql(node.left)} {COMPARE_SQL[type(op)]} {_sql(right)})"
    if isinstance(node, ast.Name):
        if node.id in LITERAL_NAMES:
            return "TRUE" if LITERAL_NAMES[node.id] else "FALSE"
        return node.id
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return "TRUE" if node.value else "FALSE"
        if isinstance(node.value, int):
            return str(node.value)
        return literal(node.value, PORTABLE)  # the same text on DuckDB, PostgreSQL, Spark
    if isinstance(node, ast.Call):
        arg = node.args[0].value
        return list_column(arg) if node.func.id == LIST_FUNCTION else program_column(arg)
    raise AssertionError(f"unchecked node {ast.dump(node)}")


# --- one row, in Python ------------------------------------------------------------------------


def evaluate(rule: Rule, row: dict[str, Any]) -> Any:
    """The rule's value for one row of the targeting view: True, False or None (unknown)."""
    return _eval(rule.tree, row)


def _and(values) -> bool | None:
    unknown = False
    for v in values:
        if v is False:
            return False
        unknown |= v is None
    return None if unknown else True


def _or(values) -> bool | None:
    unknown = False
    for v in values:
        if v is True:
            return True
        unknown |= v is None
    return None if unknown else False


def _eval(node: ast.AST, row: dict[str, Any]) -> Any:  # noqa: C901 -- one branch per node kind
    if isinstance(node, ast.BoolOp):
        values = (_eval(v, row) for v in node.values)
        return _and(values) if isinstance(node.op, ast.And) else _or(values)
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, row)
        if value is None:
            return None
        return (not value) if isinstance(node.op, ast.Not) else -value
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, row), _eval(node.right, row)
        if left is None or right is None:
            return None
        return {ast.Add: left + right, ast.Sub: left - right,
                ast.Mult: left * right}[type(node.op)]
    if isinstance(node, ast.Compare):
        return _compare(node, row)
    if isinstance(node, ast.Name):
        return LITERAL_NAMES[node.id] if node.id in LITERAL_NAMES else row.get(node.id)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Call):
        arg = node.args[0].value
        column = list_column(arg) if node.func.id == LIST_FUNCTION else program_column(arg)
        return row.get(column)
    raise AssertionError(f"unchecked node {ast.dump(node)}")


def _compare(node: ast.Compare, row: dict[str, Any]) -> bool | None:
    op, right = node.ops[0], node.comparators[0]
    left = _eval(node.left, row)
    if left is None:
        return None
    if isinstance(op, ast.In | ast.NotIn):
        found = left in [e.value for e in right.elts]
        return found if isinstance(op, ast.In) else not found
    value = _eval(right, row)
    if value is None:
        return None
    return {ast.Eq: left == value, ast.NotEq: left != value, ast.Lt: left < value,
            ast.LtE: left <= value, ast.Gt: left > value, ast.GtE: left >= value}[type(op)]
