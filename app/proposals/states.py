"""The proposal lifecycle as a table: (state, action) → next state.

::

    draft ──submit──▶ submitted ──accept──▶ accepted ──merge──▶ merged
      │  ▲revise         │  ▲revise  └─reject──▶ rejected
      └──withdraw──▶ withdrawn ◀──withdraw──┘

Anything not in the table is illegal; the message names the current state.
"""

from __future__ import annotations

from enum import StrEnum

from app.proposals.models import ProposalStatus as S


class Move(StrEnum):
    SUBMIT = "submit"
    REVISE = "revise"
    WITHDRAW = "withdraw"
    ACCEPT = "accept"
    REJECT = "reject"
    SUPPORT = "support"
    MERGE = "merge"
    REBASE = "rebase"


TRANSITIONS: dict[tuple[S, Move], S] = {
    (S.DRAFT, Move.SUBMIT): S.SUBMITTED,
    (S.DRAFT, Move.REVISE): S.DRAFT,
    (S.DRAFT, Move.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, Move.REVISE): S.SUBMITTED,
    (S.SUBMITTED, Move.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, Move.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, Move.REJECT): S.REJECTED,
    (S.SUBMITTED, Move.SUPPORT): S.SUBMITTED,
    (S.SUBMITTED, Move.REBASE): S.SUBMITTED,
    (S.ACCEPTED, Move.SUPPORT): S.ACCEPTED,
    (S.ACCEPTED, Move.REBASE): S.ACCEPTED,
    (S.ACCEPTED, Move.MERGE): S.MERGED,
}

PENDING = frozenset({S.SUBMITTED, S.ACCEPTED})


class IllegalMove(Exception):
    """The move is not allowed from the proposal's current state."""


def next_status(current: S, move: Move) -> S:
    """The state after ``move``, or :class:`IllegalMove` naming the current state."""
    try:
        return TRANSITIONS[(current, move)]
    except KeyError:
        raise IllegalMove(f"cannot {move.value} a proposal that is {current.value}") from None
