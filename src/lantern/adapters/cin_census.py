"""The children in need census: the DfE XML return (Message > Header, Children > Child).

Each <Child> is one person (LAchildID, UPN, PersonBirthDate, Sex or GenderCurrent, Ethnicity);
each <CINdetails> a CIN episode:

- CINreferralDate → `referral` (PrimaryNeedCode and ReferralSource as codes; ReferralNFA
  true → outcome NFA; CINclosureDate → ended_at, ReasonForClosure a code)
- Assessments → `assessment` on AssessmentActualStartDate (ended_at AssessmentAuthorisationDate),
  each AssessmentFactors a `cin:` code (11A child sexual exploitation, 24A criminal
  exploitation, ...)
- Section47 → `section47` on S47ActualStartDate; its DateOfInitialCPC, and the episode's,
  → `cp_conference` (one per child and date: the census repeats the first conference)
- ChildProtectionPlans → `cp_plan_start` on CPPstartDate with the initial and latest
  categories of abuse as codes, and `cp_plan_end` on CPPendDate

An element outside the block it belongs in (an <Assessments> directly under <Child>) cannot be
tied to its episode and is quarantined; elements in an unexpected order within the right block
are read, with a warning.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lantern.adapters.core import Adapted, Location
from lantern.adapters.normalise import code_lists, parse_date
from lantern.adapters.xml_tree import Node, parse

NAME = "cin"
TITLE = "Children in need census (DfE XML)"

# The order the census specification sets for the blocks of a Child and a CINdetails.
CHILD_ORDER = ("ChildIdentifiers", "ChildCharacteristics", "CINdetails")
DETAILS_ORDER = (
    "CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate",
    "ReasonForClosure", "DateOfInitialCPC", "ReferralNFA", "Assessments", "CINPlanDates",
    "Section47", "ChildProtectionPlans", "PreProceedingsandFGDM",
)  # fmt: skip
# Where each block belongs, for an element found somewhere else.
BELONGS_IN = {
    "Assessments": "CINdetails",
    "Section47": "CINdetails",
    "ChildProtectionPlans": "CINdetails",
    "CINPlanDates": "CINdetails",
    "CINreferralDate": "CINdetails",
    "ChildIdentifiers": "Child",
    "CINdetails": "Child",
}
_TRUE = {"1", "true", "y", "yes"}


class _Reader:
    def __init__(self, adapted: Adapted, file: str) -> None:
        self.adapted = adapted
        self.file = file
        self.codes = code_lists(NAME)

    def at(self, node: Node, column: str | None = None) -> Location:
        return Location(self.file, node.line, None, column or f"<{node.tag}>")

    def date(self, parent: Node, tag: str, what: str, *, required: bool) -> dt.date | None:
        node = parent.find(tag)
        text = node.text.strip() if node is not None else ""
        if not text:
            if required:
                self.adapted.issue(
                    self.at(parent, f"<{tag}>"), f"is missing, but {what} needs it; not loaded"
                )
            return None
        value = parse_date(text, ("%Y-%m-%d",))
        if value is None:
            assert node is not None
            self.adapted.issue(
                self.at(node),
                f"'{text}' is not a date (expected YYYY-MM-DD); "
                + (f"{what} was not loaded" if required else f"{what} loaded without it"),
                text,
                "error" if required else "warning",
            )
        return value

    def code(self, node: Node, list_name: str, what: str) -> str | None:
        text = node.text.strip()
        if not text:
            return None
        codes = self.codes[list_name]
        code = codes.lookup(text)
        if code is None:
            self.adapted.issue(
                self.at(node),
                f"'{text}' is not a {codes.title} code ({codes.describe()}); {what} loaded "
                f"without it (add it to {list_name} in adapters/codes/cin.yaml if it is new)",
                text,
                "warning",
            )
        return code

    def order(self, parent: Node, expected: tuple[str, ...]) -> None:
        """Warn once per block when its elements are out of the specification's order."""
        rank = {tag: i for i, tag in enumerate(expected)}
        last: Node | None = None
        for child in parent.children:
            if child.tag not in rank:
                continue
            if last is not None and rank[child.tag] < rank[last.tag]:
                self.adapted.issue(
                    self.at(child),
                    f"comes after <{last.tag}> (line {last.line}), but the census "
                    f"specification puts it before; read anyway",
                    severity="warning",
                )
                return
            last = child


def adapt(source: Path, agency: str = "social_care") -> Adapted:
    """Read a CIN census XML file (or every .xml file in a folder)."""
    adapted = Adapted(agency=agency, name=f"cin {source.name}")
    files = sorted(source.glob("*.xml")) if source.is_dir() else [source]
    for path in files:
        _file(adapted, path)
    return adapted


def _file(adapted: Adapted, path: Path) -> None:
    parsed = parse(path)
    reader = _Reader(adapted, path.name)
    if parsed.error:
        adapted.issue(
            Location(path.name, parsed.error_line),
            parsed.error + "; the children before that point were read, the rest were not",
        )
    message = parsed.root.find("Message")
    if message is None:
        if parsed.root.children:
            top = parsed.root.children[0]
            adapted.issue(reader.at(top), "the file is not a CIN census (its root is not "
                          "<Message>); not read")  # fmt: skip
        return
    children = message.find("Children")
    if children is None:
        adapted.issue(reader.at(message, "<Children>"), "has no <Children> block; nothing read")
        return
    for child in children.children:
        if child.tag != "Child":
            _misplaced(reader, child, children)
            continue
        if not child.closed:
            continue  # the file broke off inside it: reported above
        adapted.read["Child"] += 1
        _child(reader, child)


def _misplaced(reader: _Reader, node: Node, parent: Node) -> None:
    home = BELONGS_IN.get(node.tag)
    where = f"inside a <{home}> block" if home else "in a CIN census"
    reader.adapted.issue(
        reader.at(node),
        f"is directly inside <{parent.tag}> (line {parent.line}) but belongs {where}, so it "
        "cannot be tied to its child or episode; not loaded",
    )


def _child(reader: _Reader, child: Node) -> None:
    adapted = reader.adapted
    reader.order(child, CHILD_ORDER)
    identifiers = child.find("ChildIdentifiers")
    ref = identifiers.value("LAchildID") if identifiers is not None else ""
    if not ref:
        adapted.issue(
            reader.at(identifiers or child, "<LAchildID>"),
            "is missing: the child has no ID, so none of their records can be loaded",
        )
        return
    assert identifiers is not None
    dob = reader.date(identifiers, "PersonBirthDate", "the child", required=False)
    sex_node = identifiers.find("Sex") or identifiers.find("GenderCurrent")
    sex = ""
    if sex_node is not None:
        sex = {"1": "M", "2": "F", "M": "M", "F": "F"}.get(
            reader.code(sex_node, "Sex", "the child") or "", ""
        )
    characteristics = child.find("ChildCharacteristics")
    if not adapted.person(
        ref,
        reader.at(child, None),
        date_of_birth=dob or "",
        sex=sex,
        upn=identifiers.value("UPN"),
        ethnicity=characteristics.value("Ethnicity") if characteristics is not None else "",
    ):
        return
    for node in child.children:
        if node.tag in ("ChildIdentifiers", "ChildCharacteristics"):
            continue
        if node.tag == "CINdetails":
            _details(reader, ref, node)
        else:
            _misplaced(reader, node, child)


def _details(reader: _Reader, ref: str, details: Node) -> None:
    adapted = reader.adapted
    reader.order(details, DETAILS_ORDER)
    referral = reader.date(details, "CINreferralDate", "the CIN episode", required=True)
    if referral is None:
        return
    codes = []
    for tag, list_name, scheme in (
        ("PrimaryNeedCode", "PrimaryNeedCode", "cin"),
        ("ReferralSource", "ReferralSource", "cin_referral_source"),
        ("ReasonForClosure", "ReasonForClosure", "cin_closure"),
    ):
        node = details.find(tag)
        code = reader.code(node, list_name, "the referral") if node is not None else None
        if code:
            codes.append(f"{scheme}:{code}")
    closed = reader.date(details, "CINclosureDate", "the referral", required=False)
    episode = f"cin-{ref}-{referral.isoformat()}"
    nfa = details.value("ReferralNFA").lower() in _TRUE
    if not adapted.event(
        episode, "referral", referral, reader.at(details, None), subject=ref,
        duplicate_of=f"a second CIN episode for child {ref!r} referred on {referral}",
        ended_at=closed or "", outcome="NFA" if nfa else "", codes=";".join(codes),
    ):  # fmt: skip
        return
    conferences: set[dt.date] = set()

    def conference(parent: Node) -> None:
        day = reader.date(parent, "DateOfInitialCPC", "the conference", required=False)
        if day is not None and day not in conferences:
            conferences.add(day)
            adapted.event(
                f"cin-{ref}-icpc-{day.isoformat()}", "cp_conference", day,
                reader.at(parent.find("DateOfInitialCPC") or parent), subject=ref,
            )  # fmt: skip

    if details.find("DateOfInitialCPC") is not None:
        conference(details)
    for n, node in enumerate(details.findall("Assessments"), start=1):
        start = reader.date(node, "AssessmentActualStartDate", "the assessment", required=True)
        if start is None:
            continue
        authorised = reader.date(node, "AssessmentAuthorisationDate", "the assessment",
                                 required=False)  # fmt: skip
        factors = []
        block = node.find("FactorsIdentifiedAtAssessment")
        for factor in block.findall("AssessmentFactors") if block is not None else []:
            code = reader.code(factor, "AssessmentFactors", "the assessment")
            if code:
                factors.append(f"cin:{code}")
        adapted.event(
            f"cin-{ref}-assessment-{start.isoformat()}-{n}", "assessment", start,
            reader.at(node), subject=ref, ended_at=authorised or "",
            codes=";".join(dict.fromkeys(factors)),
        )  # fmt: skip
    for n, node in enumerate(details.findall("Section47"), start=1):
        start = reader.date(node, "S47ActualStartDate", "the section 47 enquiry", required=True)
        if start is not None:
            adapted.event(
                f"cin-{ref}-s47-{start.isoformat()}-{n}", "section47", start, reader.at(node),
                subject=ref,
            )  # fmt: skip
        if node.find("DateOfInitialCPC") is not None:
            conference(node)
    for n, node in enumerate(details.findall("ChildProtectionPlans"), start=1):
        start = reader.date(node, "CPPstartDate", "the child protection plan", required=True)
        if start is None:
            continue
        categories = []
        for tag in ("InitialCategoryOfAbuse", "LatestCategoryOfAbuse"):
            category = node.find(tag)
            code = reader.code(category, "CategoryOfAbuse", "the plan") if category else None
            if code:
                categories.append(f"cin_cp_category:{code}")
        end = reader.date(node, "CPPendDate", "the child protection plan", required=False)
        plan = f"cin-{ref}-cpp-{start.isoformat()}-{n}"
        adapted.event(
            plan, "cp_plan_start", start, reader.at(node), subject=ref, ended_at=end or "",
            codes=";".join(dict.fromkeys(categories)),
        )  # fmt: skip
        if end is not None:
            adapted.event(plan + "-end", "cp_plan_end", end, reader.at(node.find("CPPendDate")
                          or node), subject=ref)  # fmt: skip
