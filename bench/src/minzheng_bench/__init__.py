"""Benchmarks of the minzheng platform, each figure beside its raw reference from the same run."""
