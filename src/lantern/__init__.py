"""Lantern: joins agencies' records so child sexual exploitation is seen while it is happening."""

__version__ = "0.1.0"
