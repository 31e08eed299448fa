"""Realistic small inputs for the export builder tests.

A guide of three chapters and five subsections, with lists, emphasis and some
Cyrillic; a redline between two drafts with changes by several delegations;
a compilation with proposals on some sections.
"""

from __future__ import annotations

import datetime

from app.exports.builders import (
    Change,
    CompilationProposal,
    CompilationRow,
    ExportMeta,
    ExportSection,
    RedlineSection,
)

REFERENCE = "FSC.GAL/23/21/Rev.1"
WHEN = datetime.datetime(2021, 4, 27, 10, 0, tzinfo=datetime.UTC)
LATER = datetime.datetime(2021, 4, 28, 15, 30, tzinfo=datetime.UTC)

BODIES: dict[str, str] = {
    "1": (
        "This *Best Practice Guide* compiles practices that participating States "
        "found **effective** when implementing UNSCR 1540 (2004).\n\n"
        "It is voluntary and non-binding."
    ),
    "1.1": (
        "The guide covers:\n\n"
        "- national legislation;\n"
        "- export and transshipment controls;\n"
        "- physical protection of materials.\n\n"
        "Each chapter ends with a checklist."
    ),
    "1.2": (
        "Руководство подготовлено неофициальной группой друзей.\n\n"
        "Comments were received from *Belarus* and **Spain**."
    ),
    "2": "States should keep accounting of sensitive materials at **all** stages.",
    "2.1": (
        "Effective accounting requires:\n\n"
        "1. a national register;\n"
        "2. periodic physical inventory;\n"
        "3. reporting of losses within 24 hours.\n\n"
        "See also the IAEA guidance."
    ),
    "2.2": (
        "Records should be kept for at least ten years.\n\n"
        "- paper records\n"
        "  - originals\n"
        "  - certified copies\n"
        "- electronic records"
    ),
    "3": "Border and export controls prevent proliferation to non-State actors.",
    "3.1": "Licensing authorities should publish `control lists` and guidance online.",
}
TITLES = {
    "1": "Introduction",
    "1.1": "Scope of the guide",
    "1.2": "Предыстория (Background)",
    "2": "Accounting for and securing materials",
    "2.1": "National registers",
    "2.2": "Record keeping",
    "3": "Border and export controls",
    "3.1": "Licensing",
}


def make_meta(**changes: object) -> ExportMeta:
    """The metadata of Rev.1 of the guide."""
    values: dict[str, object] = {
        "document_title": "Best Practice Guide for Implementation of UNSCR 1540",
        "reference": REFERENCE,
        "label": "Rev.1",
        "date": datetime.date(2021, 4, 27),
    }
    values.update(changes)
    return ExportMeta(**values)  # type: ignore[arg-type]


def make_sections() -> list[ExportSection]:
    """The guide's eight sections in reading order."""
    return [
        ExportSection(
            id=index,
            number=number,
            title=TITLES[number],
            level=1 if "." not in number else 2,
            body=body,
            body_html=f"<p>{number} body</p>",
            anchor="sec-" + number.replace(".", "-"),
        )
        for index, (number, body) in enumerate(BODIES.items(), start=1)
    ]


def make_redline() -> list[RedlineSection]:
    """Changes between Rev.0 and Rev.1 by USA, RUS and CHE."""
    return [
        RedlineSection(
            1,
            "1",
            "Introduction",
            1,
            (
                Change("equal", "This guide compiles practices that participating States found "),
                Change("delete", "useful", "RUS", WHEN),
                Change("insert", "effective", "USA", WHEN),
                Change("equal", " when implementing UNSCR 1540.\n\nIt is voluntary"),
                Change("insert", " and non-binding", "CHE", LATER),
                Change("equal", "."),
            ),
            "changed",
        ),
        RedlineSection(
            2,
            "1.1",
            "Scope of the guide",
            2,
            (
                Change("equal", "The guide covers national legislation."),
                Change("insert", "\n\nИ контроль экспорта.", "RUS", WHEN),
            ),
            "changed",
        ),
        RedlineSection(
            3,
            "1.2",
            "Background",
            2,
            (
                Change("equal", "The group met in Vienna."),
                Change("delete", "\n\nIt met twice.", "USA", LATER),
            ),
            "changed",
        ),
        RedlineSection(
            4, "2", "Accounting", 1, (Change("equal", "States keep accounts."),), "unchanged"
        ),
        RedlineSection(
            5,
            "2.1",
            "Merged paragraphs",
            2,
            (
                Change("equal", "First part"),
                Change("delete", ".\n\n", "CHE", WHEN),
                Change("insert", ", ", "CHE", WHEN),
                Change("equal", "second part."),
            ),
            "changed",
        ),
        RedlineSection(
            7,
            "2.2",
            "Obsolete record keeping",
            2,
            (Change("delete", "Records were kept on paper.\n\nMicrofilm was used.", "RUS", LATER),),
            "removed",
        ),
        RedlineSection(
            6,
            "3",
            "Outreach",
            1,
            (
                Change(
                    "insert",
                    "States should share experience.\n\nRegional workshops help.",
                    "USA",
                    WHEN,
                ),
            ),
            "added",
        ),
    ]


def make_compilation() -> list[CompilationRow]:
    """Proposals on sections 1.1 (two on one paragraph, one adding an item) and 2.1."""
    sections = make_sections()
    rest_of_1_1 = BODIES["1.1"][len("The guide covers:") :]
    items = "\n\n- national legislation;\n- export and transshipment controls;\n"
    proposals = {
        "1.1": (
            CompilationProposal(
                11,
                "USA",
                ("CAN", "GBR"),
                "submitted",
                "Clarity <b>matters</b>.",
                (
                    Change("equal", "The guide "),
                    Change("insert", "fully "),
                    Change("equal", "covers:" + rest_of_1_1),
                ),
                2,
            ),
            CompilationProposal(
                12,
                "RUS",
                (),
                "accepted",
                "Более точная формулировка.",
                (
                    Change("equal", "The guide "),
                    Change("delete", "covers"),
                    Change("insert", "addresses"),
                    Change("equal", ":" + rest_of_1_1),
                ),
                0,
                decision_note="Agreed at the second meeting.",
            ),
            CompilationProposal(
                14,
                "CHE",
                (),
                "submitted",
                "Brokering is missing.",
                (
                    Change("equal", "The guide covers:" + items),
                    Change("insert", "- **brokering** controls;\n"),
                    Change("equal", BODIES["1.1"][len("The guide covers:" + items) :]),
                ),
                1,
            ),
        ),
        "2.1": (
            CompilationProposal(
                13,
                "CHE",
                ("AUT",),
                "submitted",
                "Align with IAEA.",
                (
                    Change("equal", "Effective "),
                    Change("insert", "and timely "),
                    Change("equal", BODIES["2.1"][len("Effective ") :]),
                ),
                5,
            ),
        ),
    }
    return [CompilationRow(section=s, proposals=proposals.get(s.number, ())) for s in sections]
