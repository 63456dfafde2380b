"""Each text hit names the layer that read it (`indicator_hits.text_layer`); a legal hit
resting on a concept-layer finding takes that layer, except the law on an adult with a
child under 16 (docs/indicators-text.md: shown, not scored)."""

from __future__ import annotations

from datetime import date

from indicators_support import Store, hits
from lantern.indicators.stage import run
from lantern.store.connection import connect


def test_text_hits_and_the_legal_hits_on_them_carry_their_layer():
    store = Store()
    twelve = store.person("G1", agency="health", dob=date(2003, 1, 10))
    store.event("gp_appointment", "2015-06-01T10:00", subject=twelve,
                narrative="Contraception advice requested.")  # fmt: skip
    phone = store.person("G2", agency="police", dob=date(2001, 1, 10))
    store.event("welfare_check", "2015-06-01T10:00", subject=phone,
                narrative="She has a new phone she cannot explain.")  # fmt: skip
    fourteen = store.person("G3", agency="health", dob=date(2001, 1, 10))
    store.event("gp_appointment", "2015-06-01T10:00", subject=fourteen,
                narrative="She is pregnant. Her boyfriend (24) is the father.")  # fmt: skip
    con = connect(":memory:")
    store.write(con)
    run(con)
    layer = {(h["record_id"], h["indicator"]): h["text_layer"] for h in hits(con)}
    con.close()
    assert layer[("police:G2", "unexplained_gifts")] == "patterns"
    concept = {k: v for k, v in layer.items() if k[0] == "health:G1"}
    assert concept.get(("health:G1", "legal_under13_sexual_health")) == "concepts", layer
    assert set(concept.values()) == {"concepts"}
    assert layer[("health:G3", "older_boyfriend")] == "concepts"
    # the law on an adult with a child under 16 scores whichever layer read the words
    assert ("health:G3", "legal_adult_with_child_under16") in layer
    assert layer[("health:G3", "legal_adult_with_child_under16")] is None
