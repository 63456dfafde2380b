"""Generator profiles: `default` (the county every earlier figure was measured on) and `hard`.

`hard` adds what independently generated counties showed Lantern had not met (issue 16):
relatives who visit often and appear in many records, a taxi firm whose drivers carry many
children, 17-year-olds with 18-19-year-old partners, children missing to family from home,
children's homes that are the only recorder of their residents' missing episodes (one that logs
every late return), agencies that hold only a birth year for many children, network men who
never get a person record (known only by a car, a phone or a street name), intra-familial
sexual abuse (a relative named as suspect in a child's sexual-abuse records), and a second way of
writing notes (`data/narratives_second.yaml`). Every knob is zero in `default`, and every draw
for it is made only when the knob is on, so a default county is the same whichever profiles
exist.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    # share of records written in the second narrative style (another way of writing notes)
    second_style: float = 0.0
    # households given a relative who visits often (collects, takes to ED, reports missing)
    visiting_relatives: float = 0.0
    # children 5-16 on contracted school transport (special needs; looked-after children too)
    school_transport: float = 0.0
    # 17-year-olds with an 18- or 19-year-old partner who shows up in records
    older_teen_partners: float = 0.0
    # children 10-17 (not in care) who go missing to a parent who lives apart, or to family
    missing_to_family_home: float = 0.0
    # looked-after children aged 11+ placed in a children's home rather than with foster carers
    childrens_home: float = 0.0
    # how many agencies hold only a birth year for a share of children's records, and the share
    year_only_agencies: int = 0
    year_only_share: float = 0.0
    # network adults who never get a person record in any agency
    unnamed_adults: float = 0.0
    # households where a relative sexually abuses a child (intra-familial abuse, recorded by
    # school, police, social care and health: synth/intrafamilial.py)
    intrafamilial_abuse: float = 0.0

    @property
    def hard(self) -> bool:
        return self.name != "default"


DEFAULT = Profile("default")
HARD = Profile(
    "hard",
    second_style=0.5,
    visiting_relatives=0.08,
    school_transport=0.025,
    older_teen_partners=0.08,
    missing_to_family_home=0.04,
    childrens_home=0.5,
    year_only_agencies=2,
    year_only_share=0.3,
    unnamed_adults=0.4,
    intrafamilial_abuse=0.01,
)
PROFILES = {p.name: p for p in (DEFAULT, HARD)}
