"""Lantern stage: interchange (see docs/pipeline.md)."""
