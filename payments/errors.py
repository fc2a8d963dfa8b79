"""Refusals of payment actions and files, in Indonesian and English, with every problem by line
and field where a file was refused."""

from dataclasses import dataclass, field


@dataclass
class Problem:
    line: int
    field: str
    id: str
    en: str

    def as_row(self) -> dict:
        return {"row": self.line, "column": self.field, "message_id": self.id,
                "message_en": self.en}


@dataclass
class PaymentError(Exception):
    id: str
    en: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        detail = "; ".join(f"line {p.line} {p.field}: {p.en}" for p in self.problems[:5])
        super().__init__(f"{self.en} {detail}".strip())

    def message(self, lang: str = "id") -> str:
        return self.en if lang == "en" else self.id
