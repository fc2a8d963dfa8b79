"""The seven stages of ATENSI (Permensos 7/2021 article 19) as data.

The stages, their forms, due days and sign-off live in `stages.json` (or the file named by the
setting ATENSI_STAGES_FILE), so a ministry can change due days or required forms without code.
Codes are stored on cases; a configuration may change names, days and forms, not the codes.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language

DEFAULT_FILE = Path(__file__).with_name("stages.json")


@dataclass(frozen=True)
class Stage:
    code: str
    order: int
    letter: str
    article: str
    name_id: str
    name_en: str
    forms: tuple[str, ...]
    required: tuple[str, ...]
    required_if_emergency: tuple[str, ...]
    due_days: int
    emergency_due_days: int
    signoff: bool

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "id").startswith("en") else self.name_id

    def required_forms(self, emergency: bool) -> tuple[str, ...]:
        return self.required + (self.required_if_emergency if emergency else ())

    def due_in(self, emergency: bool) -> int:
        return self.emergency_due_days if emergency else self.due_days


@dataclass(frozen=True)
class Config:
    stages: tuple[Stage, ...]
    emergency_response_hours: int

    def get(self, code: str) -> Stage:
        for stage in self.stages:
            if stage.code == code:
                return stage
        raise KeyError(code)

    @property
    def first(self) -> Stage:
        return self.stages[0]

    def next(self, code: str) -> Stage | None:
        """The stage after `code`, None after the last (the case terminates)."""
        index = [s.code for s in self.stages].index(code)
        return self.stages[index + 1] if index + 1 < len(self.stages) else None

    def choices(self) -> list[tuple[str, str]]:
        return [(s.code, s.name) for s in self.stages]


def parse(data: dict) -> Config:
    """A Config from the JSON shape of stages.json; ValueError naming the broken stage."""
    stages = []
    for raw in data["stages"]:
        try:
            stage = Stage(
                code=raw["code"],
                order=int(raw["order"]),
                letter=raw["letter"],
                article=raw["article"],
                name_id=raw["name_id"],
                name_en=raw["name_en"],
                forms=tuple(raw["forms"]),
                required=tuple(raw.get("required", [])),
                required_if_emergency=tuple(raw.get("required_if_emergency", [])),
                due_days=int(raw["due_days"]),
                emergency_due_days=int(raw["emergency_due_days"]),
                signoff=bool(raw.get("signoff", True)),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"stage {raw.get('code', '?')}: {error}") from error
        unknown = set(stage.required + stage.required_if_emergency) - set(stage.forms)
        if unknown:
            raise ValueError(f"stage {stage.code}: required forms not in forms: {sorted(unknown)}")
        stages.append(stage)
    stages.sort(key=lambda s: s.order)
    return Config(tuple(stages), int(data.get("emergency_response_hours", 24)))


@cache
def _load(path: str) -> Config:
    return parse(json.loads(Path(path).read_text(encoding="utf-8")))


def config() -> Config:
    return _load(str(getattr(settings, "ATENSI_STAGES_FILE", DEFAULT_FILE)))


CODES = (
    "access",
    "engagement",
    "assessment",
    "planning",
    "implementation",
    "monitoring",
    "aftercare",
)
