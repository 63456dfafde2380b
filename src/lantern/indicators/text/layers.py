"""The readers of a narrative (a text finding's `layer`), and which of them count by default.

Kept apart from `analyse.py` (which imports spaCy) so that the stages above read the names
without loading a pipeline. `SCORED_BY_DEFAULT` is what the shipped weights list under
`child.scored_text_layers` (a test holds the two equal): the graph stage, which runs before
the score and does not read the score's weights, counts the same layers as evidence.
"""

from __future__ import annotations

PATTERNS = "patterns"  # patterns.yaml: the EntityRuler and the anchored token patterns
CONCEPTS = "concepts"  # concepts.yaml: concepts composed by proximity
TEXT_LAYERS = (PATTERNS, CONCEPTS)
SCORED_BY_DEFAULT: tuple[str, ...] = (PATTERNS,)
