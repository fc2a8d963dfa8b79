"""The dedup step on Apache Spark (Splink's Spark backend), for registries past one machine.

Same column mapping, same settings, same model JSON, same SQL for bands and clusters as the
DuckDB engine (`linkage.dedup`); only the backend differs. Locally it runs PySpark in local
mode; on a cluster, build the session for it and read the snapshot from shared storage (any
URI Spark reads: hdfs://, s3a://, a mounted NFS path). Spark's intermediate tables go to
`checkpoint_dir` on shared storage; the three result files are written to `out_dir`, which
must be a folder the driver can write (the run folder, e.g. on the same NFS mount):

    spark = spark_session(master="spark://master:7077",          # or "yarn", "k8s://..."
                          config={"spark.executor.memory": "8g",
                                  "spark.sql.shuffle.partitions": "800"})
    deduplicate_spark(None, "/mnt/kesos/runs/42/dedup", spark=spark,
                      members_path="s3a://kesos/snapshots/2026-11-30/members",
                      checkpoint_dir="s3a://kesos/tmp/checkpoints")
"""

# ruff: noqa: S608 -- SQL text is built from table names and paths this code chooses and from
# column names of a mapping the operator gives; values never go into it.

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import duckdb

from base.spark import spark_session
from base.sql import literal

from . import bands
from .bands import Targets
from .dedup_parts import (
    CLUSTERS_FILE,
    MODEL_FILE,
    PAIRS_FILE,
    REGISTRY_MAPPING,
    Decided,
    _check_thresholds,
    _with_parameters,
    band_fields,
    banding_sql,
    clusters_sql,
    count_comparisons,
    decided_rows,
    edges_sql,
    held_sql,
    keep_above,
    output_counts,
    pairs_sql,
    registry_source_sql,
    train,
)
from .mapping import build_settings, standardise_sql


def deduplicate_spark(
    con: duckdb.DuckDBPyConnection | None, out_dir: Path | str,
    settings: dict | str | Path | None = None, thresholds: tuple[float, float] | None = None,
    decided: Decided | None = None, spark: Any = None, members_path: str | None = None,
    checkpoint_dir: str | None = None, targets: Targets | None = None,
) -> dict:
    """`linkage.dedup.deduplicate` on Spark. Members come from `members_path` (a snapshot's
    members/ folder or any Parquet with the members columns and `status`), else from `con`'s
    `members` view, exported to out_dir for Spark to read. Without `checkpoint_dir`,
    intermediate tables are kept in memory (fine locally; give a shared-storage folder on a
    cluster). Writes the same three files as the DuckDB engine."""
    from splink import Linker, SparkAPI
    from splink.clustering import cluster_pairwise_predictions_at_threshold

    fixed = _check_thresholds(thresholds)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    spark = spark or spark_session()
    if members_path is None:
        members_path = str(_export_members(con, out_dir))
    spark.read.parquet(members_path).createOrReplaceTempView("members")
    spark.sql(registry_source_sql("members")).createOrReplaceTempView("dedup_source")
    standard = spark.sql(standardise_sql(REGISTRY_MAPPING, "dedup_source", "spark")).persist()
    standard.createOrReplaceTempView("link_input")
    records = standard.count()

    if checkpoint_dir:
        spark.sparkContext.setCheckpointDir(checkpoint_dir)
    db = SparkAPI(spark_session=spark,
                  break_lineage_method="parquet" if checkpoint_dir else "persist")
    source = db.register("link_input", dataset_display_name="link_input")
    base = build_settings(REGISTRY_MAPPING.roles)
    linker = Linker(source, _with_parameters(base, settings, "spark") if settings else base,
                    log_level=logging.ERROR)
    if not settings:
        linker = Linker(source, train(linker, REGISTRY_MAPPING.roles, records),
                        log_level=logging.ERROR)
    model = linker.misc.save_model_to_json()
    (out_dir / MODEL_FILE).write_text(json.dumps(model, indent=2))
    comparisons = count_comparisons(linker, records)

    predicted = linker.inference.predict(threshold_match_probability=keep_above(fixed))
    predictions = predicted.physical_name
    spark.createDataFrame(decided_rows(decided), "id_l bigint, id_r bigint, same boolean") \
        .createOrReplaceTempView("dedup_decided")
    scored = pairs_sql(spark.table(predictions).columns, predictions, "bigint")
    columns = spark.sql(scored).columns
    report = bands.choose(lambda sql: [tuple(r) for r in spark.sql(sql).collect()],
                          f"({scored}) as scored", held_sql(columns, True), fixed, targets)
    lo, hi = bands.weights_of(report)
    pairs = spark.sql(banding_sql(scored, columns, "dedup_decided", lo, hi,
                                  hold_distinct_ids=True)).persist()
    pairs.createOrReplaceTempView("dedup_pairs")
    spark.sql("select unique_id from link_input").createOrReplaceTempView("dedup_nodes")
    spark.sql(edges_sql("dedup_pairs", "dedup_nodes")).createOrReplaceTempView("dedup_edges")
    components = cluster_pairwise_predictions_at_threshold(
        "dedup_nodes", "dedup_edges", db_api=db, node_id_column_name="unique_id")
    clusters = spark.sql(clusters_sql(components.physical_name))

    _write_single_parquet(pairs.orderBy("member_id_l", "member_id_r"), out_dir / PAIRS_FILE)
    _write_single_parquet(clusters.orderBy("cluster_id", "member_id"), out_dir / CLUSTERS_FILE)
    return {"engine": "spark", "comparisons": comparisons, "records": records,
            "model_trained": not settings, **output_counts(out_dir), **band_fields(report),
            "model": {"probability_two_random_records_match":
                      model["probability_two_random_records_match"]}}


def _export_members(con: duckdb.DuckDBPyConnection, out_dir: Path) -> Path:
    path = out_dir / "spark_input" / "members.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"copy (select * from members) to {literal(path)} (format parquet)")
    return path


def _write_single_parquet(frame: Any, path: Path) -> None:
    """Spark writes a folder of parts; the contract names one file, so merge the parts."""
    parts = path.with_name(path.name + ".parts")
    frame.write.mode("overwrite").parquet(str(parts))
    con = duckdb.connect()
    try:
        con.execute(f"copy (select * from read_parquet({literal(f'{parts}/*.parquet')})) "
                    f"to {literal(path)} (format parquet)")
    finally:
        con.close()
    shutil.rmtree(parts)
