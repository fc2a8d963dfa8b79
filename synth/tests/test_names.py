import numpy as np
import pyarrow as pa
import pytest

from registry.names import name_key
from synth import names

N = 20_000


def draw(group: str, female: bool = False, birth_year: int = 1980, seed: int = 1) -> list[str]:
    rng = np.random.default_rng(seed)
    g = np.full(N, names.GROUP_INDEX[group])
    sex = np.full(N, female)
    surname = names.draw_surnames(rng, g)
    return names.compose(rng, g, sex, np.full(N, birth_year), rng.integers(0, 4, N),
                         surname).to_pylist()


def test_balinese_names_carry_the_prefix_and_birth_order_name():
    men, women = draw("balinese"), draw("balinese", female=True)
    assert all(n.startswith("I ") for n in men)
    assert all(n.startswith("Ni ") for n in women)
    orders = {"Wayan", "Putu", "Gede", "Luh", "Made", "Kadek", "Nengah", "Nyoman", "Komang",
              "Ketut"}
    assert all(n.split(" ")[1] in orders for n in men + women)


def test_batak_names_carry_a_marga_and_some_women_boru():
    women = draw("batak", female=True)
    marga = set(names.pools().surname.strings.to_pylist())
    assert sum(n.split(" ")[-1] in marga for n in women) > 0.9 * N
    assert any(" br. " in n or " boru " in n for n in women)


def test_spelling_variants_of_common_names_appear():
    malay = set(" ".join(draw("malay")).split(" "))
    assert {"Muhammad", "Muhamad", "Mohammad", "Moch."} <= malay
    women = set(" ".join(draw("bugis_makassar", female=True)).split(" "))
    assert {"Siti", "Sitti"} <= women


def test_old_spellings_are_commoner_among_older_people():
    def old_share(year: int) -> float:
        return sum("oe" in n or "dj" in n.lower() or "tj" in n.lower()
                   for n in draw("javanese", birth_year=year)) / N

    assert old_share(1950) > 5 * old_share(2000)
    assert names.old_spelling("Cahyo") == "Tjahjo"
    assert names.old_spelling("Yusuf") == "Joesoef"


@pytest.mark.parametrize("province,group", [("94", "papuan"), ("51", "balinese"),
                                            ("13", "minang"), ("73", "bugis_makassar")])
def test_province_picks_its_main_naming_tradition(province, group):
    probs = names.province_group_probs(province)
    assert names.GROUP_NAMES[int(probs.argmax())] == group


def test_name_keys_match_the_registry_normalisation():
    sample = draw("malay")[:2000] + draw("batak", female=True)[:2000] + ["Nur'aini  Siti-Rahma"]
    keys = names.name_keys(pa.array(sample)).to_pylist()
    assert keys == [name_key(n) for n in sample]
