"""National-scale data generation and the benchmark (see README, section Benchmark)."""
