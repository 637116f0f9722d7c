"""Key messages: the 5–7 sentences a brief and the dashboard overview open with.

Each is a headline's own sentence (:attr:`Headline.message`, written by the section from its method's figures,
never hard-coded), with the section it links to and its caveat.  Order: what is at stake — headlines with a
money value at stake (USD or EUR) first, largest first, then the others (shares, counts) in section order; the best
message of each section is taken first so that one pillar cannot crowd out the rest.
"""
from __future__ import annotations

from collections.abc import Sequence

from samarkand.brief.sections import Headline, Section

MAX_MESSAGES = 7


def _at_stake(h: Headline) -> tuple[bool, float]:
    return (h.stake is None, -(h.stake or 0.0))


def key_messages(sections: Sequence[Section], limit: int = MAX_MESSAGES) -> list[Headline]:
    """The headlines that carry a message, at most ``limit``, ordered by what is at stake (module docstring)."""
    per_section = [sorted((h for h in s.headlines if h.message), key=_at_stake) for s in sections]
    chosen = [hs[0] for hs in per_section if hs]
    rest = sorted((h for hs in per_section for h in hs[1:]), key=_at_stake)
    chosen = sorted(chosen, key=_at_stake)[:limit]
    chosen += rest[:limit - len(chosen)]
    return sorted(chosen, key=_at_stake)


__all__ = ["MAX_MESSAGES", "key_messages"]
