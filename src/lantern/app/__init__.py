"""Lantern stage: app (see docs/pipeline.md)."""
