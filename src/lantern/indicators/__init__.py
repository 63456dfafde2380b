"""Lantern stage: indicators (see docs/pipeline.md)."""
