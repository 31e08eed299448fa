"""A drafting round through the API whose redline has a known author for every change.

Draft 0 (circulated, ``FSC.GAL/23/21``) pins four sections with known texts.
Then the Belarusian co-chair edits section d directly, and a merge by the
Spanish co-chair makes Rev.1 (``FSC.GAL/23/21/Rev.1``, circulated):

* a: USA and RUS delete different adjacent words (bracketed: the chair's, ESP);
  CHE and CPC make one identical change "items" → "materials" (CHE, CPC);
* b: USA "shall", RUS "may", resolved by a compromise the chair wrote (ESP);
* c: USA alone "five" → "ten" (USA);
* d: the chair's own edit, no proposal (BLR).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.conftest import Api
from tests.helpers import BASE_TEXT, prepare_section, propose

SECOND = "Each State should designate a national point of contact.\n"
THIRD = "Records should be kept for five years.\n"
FOURTH = "Outreach is voluntary.\n"
REFERENCE = "FSC.GAL/23/21"
REV1_REFERENCE = "FSC.GAL/23/21/Rev.1"


@dataclass(frozen=True)
class Round:
    old: int  # draft ids
    new: int
    sections: dict[str, dict[str, Any]]  # "a" … "d" → the section as the API returned it
    proposals: dict[str, dict[str, Any]]


def accept(api: Api, *proposals: dict[str, Any]) -> None:
    for p in proposals:
        r = api.post(f"/api/proposals/{p['id']}/decision", json={"decision": "accept"})
        assert r.status_code == 200, r.text


def draft(api: Api, label: str, reference: str, *, circulate: bool = True) -> int:
    response = api.post(
        "/api/documents/bpg-1540/drafts",
        json={"label": label, "reference": reference, "circulate": circulate},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def run_round(api: Api, guide: dict[str, Any]) -> Round:
    subs = [s for s in guide["sections"] if s["parent_id"]]
    texts = {"a": BASE_TEXT, "b": SECOND, "c": THIRD, "d": FOURTH}
    sections = {k: prepare_section(api, subs[i]["id"], t) for i, (k, t) in enumerate(texts.items())}
    old = draft(api, "Draft of 16 March 2021", REFERENCE)
    a, b, c, d = (sections[k]["id"] for k in "abcd")
    p = {
        "usa_a": propose(api, a, "delegate.usa", BASE_TEXT.replace("appropriate ", "")),
        "rus_a": propose(api, a, "delegate.rus", BASE_TEXT.replace("effective ", "")),
        "che_a": propose(api, a, "delegate.che", BASE_TEXT.replace("items", "materials")),
        "cpc_a": propose(api, a, "delegate.cpc", BASE_TEXT.replace("items", "materials")),
        "usa_b": propose(api, b, "delegate.usa", SECOND.replace("should", "shall")),
        "rus_b": propose(api, b, "delegate.rus", SECOND.replace("should", "may")),
        "usa_c": propose(api, c, "delegate.usa", THIRD.replace("five", "ten")),
    }
    accept(api, *p.values())
    current = api.get(f"/api/sections/{d}")
    edited = api.put(
        f"/api/sections/{d}",
        user="chair.blr",
        headers={"If-Match": current.headers["etag"]},
        json={"title": current.json()["title"], "body": "Outreach is essential.\n", "message": "x"},
    )
    assert edited.status_code == 200, edited.text
    ids = [x["id"] for x in p.values()]
    preview = api.post("/api/documents/bpg-1540/merges", json={"proposal_ids": ids}).json()
    conflicts = {
        s["section_id"]: s["conflicts"][0]["id"] for s in preview["sections"] if s["conflicts"]
    }
    committed = api.post(
        f"/api/merges/{preview['id']}/commit",
        json={
            "label": "Rev.1",
            "reference": REV1_REFERENCE,
            "resolutions": {
                conflicts[a]: {"bracket": True},
                conflicts[b]: {"text": "should, where appropriate,"},
            },
        },
    )
    assert committed.status_code == 200, committed.text
    new = int(committed.json()["id"])
    assert api.post(f"/api/drafts/{new}/circulate").status_code == 200
    return Round(old, new, sections, p)
