"""Lantern stage: synth (see docs/pipeline.md)."""
