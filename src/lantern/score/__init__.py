"""Lantern stage: score (see docs/pipeline.md)."""
