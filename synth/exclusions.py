"""Exclusion lists other agencies send (civil servants, TNI/POLRI, pensioners, certified
teachers, company officers), drawn from the civil-registry population. They follow work and
welfare, so they are mostly non-poor, yet a few reach the registry: exactly the records an
exclusion check must catch."""

from dataclasses import dataclass

import numpy as np

from .name_data import COMPANY_WORDS
from .sample import sigmoid

LISTS = ("pns", "tni_polri", "pensiun", "guru_sertifikasi", "pengurus_perusahaan")
FORCES = ["TNI AD", "TNI AL", "TNI AU", "POLRI"]
FORCE_WEIGHTS = [0.45, 0.12, 0.1, 0.33]
SCHOOLS = ["SD", "SMP", "SMA", "SMK", "MI", "MTs"]
EDUCATION_SECTOR, GOVERNMENT_SECTOR = 17, 19
CIVIL_SERVANT, EMPLOYER, EMPLOYEE = 5, 3, 4


@dataclass
class Exclusions:
    person: np.ndarray  # index into the chunk's people
    list_name: list[str]
    employer: list[str]


def _pick(u: np.ndarray, options: list[str], weights: list[float] | None = None) -> list[str]:
    cum = np.cumsum(weights if weights is not None else np.ones(len(options)))
    idx = np.searchsorted(cum / cum[-1], u, side="right")
    return [options[min(i, len(options) - 1)] for i in idx]


def draw_exclusions(
    rng: np.random.Generator, age: np.ndarray, female: np.ndarray, education: np.ndarray,
    sector: np.ndarray, status: np.ndarray, z: np.ndarray, alive: np.ndarray,
    regency_name: np.ndarray, regency_place: np.ndarray, province_name: np.ndarray,
) -> Exclusions:
    """Who is on which list; `regency_*`/`province_name` are per person (their home)."""
    n = len(age)
    u = rng.random((n, 4))
    civil = alive & (status == CIVIL_SERVANT)
    force = civil & (sector == GOVERNMENT_SECTOR) & ~female & (u[:, 0] < 0.6)
    pns = civil & ~force
    teacher = alive & (sector == EDUCATION_SECTOR) & (education >= 5) & (
        ((status == CIVIL_SERVANT) & (u[:, 1] < 0.6)) | ((status == EMPLOYEE) & (u[:, 1] < 0.3)))
    pensioner = alive & (age >= 58) & (status == 0) & (education >= 2) & (
        u[:, 2] < 0.8 * sigmoid(2 * z - 1))
    officer = alive & (((status == EMPLOYER) & (z > 0.3) & (u[:, 3] < 0.5))
                       | ((status == EMPLOYEE) & (education >= 5) & (z > 1.5) & (u[:, 3] < 0.15)))

    person, list_name, employer = [], [], []
    for name, mask in zip(LISTS, (pns, force, pensioner, teacher, officer), strict=True):
        idx = np.flatnonzero(mask)
        w = rng.random((len(idx), 3))
        if name == "pns":
            kinds = _pick(w[:, 0], ["regency", "province", "Kementerian Agama",
                                    "Kementerian Kesehatan"], [0.7, 0.12, 0.1, 0.08])
            names = [f"Pemerintah {regency_name[i]}" if k == "regency"
                     else f"Pemerintah Provinsi {province_name[i]}" if k == "province" else k
                     for i, k in zip(idx, kinds, strict=True)]
        elif name == "tni_polri":
            names = _pick(w[:, 0], FORCES, FORCE_WEIGHTS)
        elif name == "pensiun":
            names = _pick(w[:, 0], ["PT Taspen", "PT Asabri"], [0.85, 0.15])
        elif name == "guru_sertifikasi":
            schools = _pick(w[:, 0], SCHOOLS, [35, 20, 12, 10, 12, 11])
            names = [f"{s} Negeri {1 + int(k * 12)} {regency_place[i]}"
                     for i, s, k in zip(idx, schools, w[:, 1], strict=True)]
        else:
            first = _pick(w[:, 0], COMPANY_WORDS)
            second = _pick(w[:, 1], COMPANY_WORDS)
            legal = _pick(w[:, 2], ["PT", "CV"], [0.7, 0.3])
            names = [f"{p} {a} {b}" for p, a, b in zip(legal, first, second, strict=True)]
        person.append(idx)
        list_name += [name] * len(idx)
        employer += names
    return Exclusions(np.concatenate(person).astype(np.int64), list_name, employer)
