"""Lantern stage: adapters (see docs/pipeline.md)."""
