"""Lantern stage: store (see docs/pipeline.md)."""
