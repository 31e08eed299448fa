"""Benchmarks for DESIGN §7; ``make bench`` runs them all and prints figures."""
