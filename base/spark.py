"""The Spark session of the batch engine's Spark backend: Splink's similarity UDF jar
(Jaro-Winkler, Damerau-Levenshtein) loaded, and in local mode a small footprint. The dedup step
(`linkage.spark`), the pipeline and the tests of every Spark SQL path take it from here."""

import tempfile
from pathlib import Path
from typing import Any

LOCAL_CONFIG = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.driver.memory": "2g",
    "spark.sql.session.timeZone": "UTC",
    # A broadcast join must fit in the small driver; on a loaded CI runner it did not (the
    # cluster step failed with "Not enough memory to build and broadcast the table").
    "spark.sql.autoBroadcastJoinThreshold": "-1",
    # Not ./spark-warehouse in the checkout.
    "spark.sql.warehouse.dir": str(Path(tempfile.gettempdir()) / "kesos-spark-warehouse"),
}


def spark_session(master: str = "local[2]", config: dict[str, str] | None = None) -> Any:
    """A SparkSession with Splink's similarity UDF jar (Jaro-Winkler, Damerau-Levenshtein).
    `master` is 'local[N]' for one machine or the cluster's URL; `config` adds or overrides
    Spark properties (executor memory, shuffle partitions, ...)."""
    from pyspark.sql import SparkSession
    from splink.internals.spark.jar_location import similarity_jar_location

    builder = SparkSession.builder.master(master).appName("kesos-dedup")
    settings = {**(LOCAL_CONFIG if master.startswith("local") else {}),
                "spark.jars": similarity_jar_location(), **(config or {})}
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
