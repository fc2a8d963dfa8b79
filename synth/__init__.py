"""Synthetic population generator for demos, tests and benchmarks.

`synth.generate.generate(scope, households, seed, out_dir)` writes the population as Parquet
(civil registry, DTKS registry with labelled errors, exclusion lists, true consumption);
`synth.load.load_registry(out_dir)` bulk-loads its registry into the database. The management
command `synth` (`kesos synth`) runs both.
"""
