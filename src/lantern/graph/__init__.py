"""Lantern stage: graph (see docs/pipeline.md)."""
