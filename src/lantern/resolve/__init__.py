"""Lantern stage: resolve (see docs/pipeline.md)."""
