"""Lantern stage: evaluate (see docs/pipeline.md)."""
