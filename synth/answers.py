"""Instrument answers (housing, assets, livestock, programs of registry/instruments/dtks_v1.json)
for a batch of households, drawn from their latent consumption: poorer households get earth
or bamboo floors, firewood, no own toilet, smaller houses, fewer assets and more program cards.
Every value is a valid code of the instrument's lists, checked by the tests with
registry.instrument.validate_answers."""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .sample import choice, ordinal, sigmoid

EAST = frozenset({"53", "81", "82", "91", "92", "93", "94", "95", "96"})
PIG_PROVINCES = frozenset({"12", "51", "53", "61", "62", "71", "81", "91", "92", "93", "94", "95",
                           "96"})
# (codes from worst to best, shares for a household at the national median)
FLOOR = ([9, 7, 8, 10, 6, 4, 5, 2, 3, 1], [5, 1, 6, .5, 25, 12, 4, 45, 1, .5])
WALL = ([7, 6, 5, 4, 3, 2, 1], [1, 3, 1, 5, 10, 3, 77])
ROOF = ([9, 8, 10, 7, 6, 5, 4, 3, 2, 1], [2, .5, .5, 1, 30, 12, 30, 15, 5, 4])
WATER = ([10, 9, 7, 11, 12, 8, 6, 5, 4, 3, 2, 1],
         [2, 3, 4, 2, .5, 6, 17, 14, 3, 8, 37, 5.5])
LIGHTING = ([3, 2, 1], [1, 2, 97])
ELECTRICITY = ([6, 1, 2, 3, 4, 5], [5, 30, 40, 17, 5, 3])
FUEL = ([8, 7, 6, 5, 9, 3, 4, 2, 1], [12, .5, .1, 2, 2, 70, 1, 8, 4])
TOILET = ([4, 3, 2, 1], [5, 2, 10, 83])
TOILET_TYPE = ([3, 2, 1], [10, 5, 85])
SEWAGE = ([4, 3, 6, 2, 1], [8, 15, 1, 4, 72])
# Asset: (intercept, slope on z, urban effect) of the log-odds of owning it.
ASSETS = {
    "gas_cylinder": (-2.2, 1.3, 0.3), "refrigerator": (0.2, 1.2, 0.4),
    "air_conditioner": (-3.0, 1.5, 0.8), "water_heater": (-4.0, 1.5, 0.5),
    "telephone": (-4.0, 1.0, 0.5), "television": (1.8, 1.0, 0.3),
    "gold_savings": (-1.6, 1.0, 0.0), "computer": (-2.2, 1.3, 0.5),
    "bicycle": (-0.8, 0.3, 0.0), "motorbike": (1.2, 1.0, 0.0), "car": (-2.6, 1.5, 0.3),
    "boat": (-4.0, 0.0, -0.5), "motor_boat": (-4.5, 0.3, -0.5), "smartphone": (1.5, 1.0, 0.4),
    "land": (-0.2, 0.3, -1.5), "other_house": (-3.0, 1.2, 0.2),
    "household_business": (-1.2, 0.4, 0.3),
}
# Program flag: (intercept, slope on z); poorer households hold more cards.
PROGRAMS = {
    "kks": (-1.5, -1.5), "kip": (-0.8, -1.2), "kis": (-0.3, -1.3), "bpjs_mandiri": (-2.0, 1.2),
    "jamsostek": (-2.5, 1.2), "other_insurance": (-4.0, 1.5), "pkh": (-1.6, -1.5),
    "rastra": (-1.2, -1.5), "kur": (-3.0, 0.3),
}
ABSENT = -1  # an optional question left unanswered


def draw_answers(
    rng: np.random.Generator, z: np.ndarray, urban: np.ndarray, province: np.ndarray,
    size: np.ndarray, school_children: np.ndarray, pkh_components: np.ndarray,
) -> dict[str, np.ndarray]:
    """One array per question (ints, booleans; ABSENT for an unanswered optional one)."""
    n = len(z)
    east = np.isin(province, list(EAST))
    house = z + 0.3 * urban - 0.3 * east  # welfare as it shows in the house
    a: dict[str, np.ndarray] = {}
    a["tenure"] = np.where(urban, choice(rng, [1, 2, 3, 4, 5], [60, 22, 14, 2, 2], n),
                           choice(rng, [1, 2, 3, 4, 5], [86, 4, 8, 1, 1], n))
    own = a["tenure"] == 1
    a["land_status"] = np.where(own, choice(rng, [1, 2, 3, 4], [90, 5, 4, 1], n),
                                choice(rng, [1, 2, 3, 4], [10, 75, 10, 5], n))
    area = np.exp(np.log(45) + 0.25 * z + 0.3 * np.log(size / 4) + rng.normal(0, 0.35, n))
    a["floor_area_m2"] = np.clip(np.round(area), 6, 1000).astype(np.int64)
    a["floor_material"] = ordinal(rng, house, *FLOOR)
    a["wall_material"] = ordinal(rng, house, *WALL)
    a["wall_condition"] = np.where(rng.random(n) < sigmoid(-1.0 - 1.2 * z), 2, 1)
    a["roof_material"] = ordinal(rng, house, *ROOF)
    a["roof_condition"] = np.where(rng.random(n) < sigmoid(-1.0 - 1.2 * z), 2, 1)
    rooms = np.round(a["floor_area_m2"] / 18 + rng.normal(0, 0.7, n))
    a["rooms"] = np.clip(rooms, 1, 12).astype(np.int64)
    a["drinking_water"] = ordinal(rng, house + 0.4 * urban, *WATER)
    bought = np.isin(a["drinking_water"], [1, 2, 4])
    a["water_obtained"] = np.select([bought, a["drinking_water"] == 3], [1, 2], 3)
    a["lighting"] = ordinal(rng, house + 0.5 * urban - 0.8 * east, *LIGHTING)
    a["electricity_va"] = np.where(a["lighting"] == 1, ordinal(rng, z, *ELECTRICITY), ABSENT)
    a["cooking_fuel"] = ordinal(rng, house + 0.6 * urban - 0.3, *FUEL)
    a["toilet_facility"] = ordinal(rng, house + 0.3 * urban, *TOILET)
    none = a["toilet_facility"] == 4
    a["toilet_type"] = np.where(none, 4, ordinal(rng, house, *TOILET_TYPE))
    a["sewage"] = np.where(none, choice(rng, [4, 5], [60, 40], n), ordinal(rng, house, *SEWAGE))
    for key, (b0, bz, bu) in ASSETS.items():
        a[key] = rng.random(n) < sigmoid(b0 + bz * z + bu * urban)
    rural = ~urban
    herd = rural & (rng.random(n) < sigmoid(-1.5 + 0.2 * z))
    a["cattle"] = np.where(herd & (rng.random(n) < 0.5), 1 + rng.poisson(1.0, n), 0)
    a["buffalo"] = np.where(herd & (rng.random(n) < 0.08), 1 + rng.poisson(0.5, n), 0)
    a["horse"] = np.where(herd & (rng.random(n) < 0.03 + 0.1 * east), 1 + rng.poisson(0.3, n), 0)
    pigs = np.isin(province, list(PIG_PROVINCES)) & (rng.random(n) < 0.35)
    a["pig"] = np.where(herd & pigs, 1 + rng.poisson(1.5, n), 0)
    a["goat"] = np.where(herd & (rng.random(n) < 0.45), 1 + rng.poisson(2.0, n), 0)
    for key, (b0, bz) in PROGRAMS.items():
        a[key] = rng.random(n) < sigmoid(b0 + bz * z)
    a["kip"] &= school_children > 0
    a["pkh"] &= pkh_components > 0
    return {k: np.asarray(v) for k, v in a.items()}


def answers_json(keys: list[str], answers: dict[str, np.ndarray]) -> pa.Array:
    """The answers as one JSON object per household, built column-wise by Arrow."""
    parts = []
    for key in keys:
        values = answers[key]
        if values.dtype == bool:
            text = pc.if_else(pa.array(values), "true", "false")
        else:
            text = pa.array(values, mask=values == ABSENT).cast(pa.string())
        parts.append(pc.binary_join_element_wise(f'"{key}": ', text, ""))
    body = pc.binary_join_element_wise(*parts, ", ", null_handling="skip")
    return pc.binary_join_element_wise("{", body, "}", "")
