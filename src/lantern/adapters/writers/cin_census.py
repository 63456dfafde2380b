"""A county's children in need as a CIN census XML file (one Child per child record)."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from lantern.adapters.normalise import code_lists
from lantern.adapters.writers.county import Event, Records

HELD = ("referral", "assessment", "section47", "cp_conference", "cp_plan_start", "cp_plan_end")


class _Episode:
    def __init__(self, referral: Event) -> None:
        self.referral = referral
        self.blocks: list[tuple[str, Event]] = []
        self.icpc: Event | None = None
        self.plan_end: dict[str, Event] = {}


def write(records: Records, out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    factors = code_lists("cin")["AssessmentFactors"]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<Message>",
        "  <Header>",
        "    <CollectionDetails><Collection>CIN</Collection><Year>2024</Year>"
        "<ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>",
        "    <Source><SourceLevel>L</SourceLevel><LEA>931</LEA><SoftwareCode>Lantern synth"
        "</SoftwareCode><Release>1</Release><SerialNo>1</SerialNo>"
        "<DateTime>2024-04-01T00:00:00</DateTime></Source>",
        "  </Header>",
        "  <Children>",
    ]
    children = 0
    for child, events in records.by_subject(HELD).items():
        episodes: list[_Episode] = []
        for e in events:
            if e.type == "referral":
                if episodes and episodes[-1].referral.day == e.day:
                    records.drop(e, "a second referral for the child on the same day")
                    continue
                episodes.append(_Episode(e))
            elif not episodes:
                records.drop(e, "before any referral of the child in the extract (the census "
                             "holds assessments, enquiries and plans inside a CIN episode)")  # fmt: skip
            elif e.type == "cp_plan_end":
                records.drop(e, "the census holds a plan's end only as the end date of the "
                             "plan it ends")  # fmt: skip
            elif e.type == "cp_conference":
                current = episodes[-1]
                if current.icpc is None:
                    current.icpc = e
                else:
                    records.drop(e, "a second child protection conference in one CIN episode "
                                 "(the census holds the initial conference only)")  # fmt: skip
            else:
                episodes[-1].blocks.append((e.type, e))
        if not episodes:
            continue
        children += 1
        person = records.people.get(child, {})
        sex = {"M": "M", "F": "F"}.get(person.get("sex", ""), "U")
        lines += [
            "    <Child>",
            "      <ChildIdentifiers>",
            f"        <LAchildID>{escape(child)}</LAchildID>",
        ]
        if person.get("upn"):
            lines.append(f"        <UPN>{escape(person['upn'])}</UPN>")
        if person.get("date_of_birth"):
            lines.append(f"        <PersonBirthDate>{person['date_of_birth']}</PersonBirthDate>")
        lines += [f"        <Sex>{sex}</Sex>", "      </ChildIdentifiers>"]
        lines += [
            "      <ChildCharacteristics>",
            f"        <Ethnicity>{escape(person.get('ethnicity', ''))}</Ethnicity>",
            "      </ChildCharacteristics>",
        ]
        for episode in episodes:
            lines += _episode(episode, factors)
        lines.append("    </Child>")
    lines += ["  </Children>", "</Message>", ""]
    (out / "cin_census.xml").write_text("\n".join(lines), encoding="utf-8")
    return {"cin_census.xml": children}


def _episode(episode: _Episode, factors: object) -> list[str]:
    r = episode.referral
    need = next((c for c in r.coded("cin") if c.startswith("N")), "")
    lines = ["      <CINdetails>", f"        <CINreferralDate>{r.day}</CINreferralDate>"]
    if need:
        lines.append(f"        <PrimaryNeedCode>{need}</PrimaryNeedCode>")
    if episode.icpc is not None:
        lines.append(f"        <DateOfInitialCPC>{episode.icpc.day}</DateOfInitialCPC>")
    lines.append(f"        <ReferralNFA>{'1' if r.outcome == 'NFA' else '0'}</ReferralNFA>")
    # the specification's order: every assessment, then the enquiries, then the plans
    order = {"assessment": 0, "section47": 1, "cp_plan_start": 2}
    for kind, e in sorted(episode.blocks, key=lambda b: order.get(b[0], 3)):
        if kind == "assessment":
            lines += ["        <Assessments>",
                      f"          <AssessmentActualStartDate>{e.day}</AssessmentActualStartDate>"]  # fmt: skip
            if e.ended:
                lines.append(
                    f"          <AssessmentAuthorisationDate>{e.ended.date()}"
                    "</AssessmentAuthorisationDate>"
                )
            lines.append("          <FactorsIdentifiedAtAssessment>")
            for code in dict.fromkeys(e.coded("cin")):
                if code in factors:  # type: ignore[operator]
                    lines.append(f"            <AssessmentFactors>{code}</AssessmentFactors>")
            lines += ["          </FactorsIdentifiedAtAssessment>", "        </Assessments>"]
        elif kind == "section47":
            lines += ["        <Section47>",
                      f"          <S47ActualStartDate>{e.day}</S47ActualStartDate>",
                      "        </Section47>"]  # fmt: skip
        elif kind == "cp_plan_start":
            lines += ["        <ChildProtectionPlans>",
                      f"          <CPPstartDate>{e.day}</CPPstartDate>"]  # fmt: skip
            if e.ended:
                lines.append(f"          <CPPendDate>{e.ended.date()}</CPPendDate>")
            lines.append("        </ChildProtectionPlans>")
    lines.append("      </CINdetails>")
    return lines
