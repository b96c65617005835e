"""Matching: hard constraints, scores, the optimal assignment."""
