"""Lantern stage: review (see docs/pipeline.md)."""
