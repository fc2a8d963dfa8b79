"""Registry snapshots, deduplication and linkage runs (Splink on DuckDB or Spark), clusters,
clerical review, cleansing, pipeline runs.
"""
