"""Small-count suppression for the public page.

Why: a public "1 denial at the Example County Sheriff for 'not helpful'" can identify a victim
in a small county. Rule (the usual statistical-disclosure practice, e.g. CDC/CMS cell
suppression):
1. Primary: every count from 1 to STATS_SUPPRESS_BELOW - 1 is shown as "fewer than N".
   Zero is shown: it identifies nobody.
2. Complementary: wherever cells are tied by a sum that the page also shows, a suppressed cell
   must never be the only unknown of the sum, or subtraction reveals it. The tied groups are:
   each column across all agencies plus the statewide total; the denial reasons with the
   denied total; late + on time = certified + denied (the on-time count is never printed but
   follows from the others); received against certified, denied, withdrawn and pending (equal
   when the period covers all history); and each monthly series with its period total.
   A relation that exposes a hidden cell (a lone hidden cell, or hidden cells that the
   remainder pins down: two "fewer than 5" under a remainder of 2 are both 1) gets its
   smallest other cell suppressed too ("not shown"); this repeats until no relation exposes
   one. Zeros are hidden only when nothing else is left.
3. Derived figures follow their counts: the share on time only when late and on-time are both
   shown; median and 90th percentile only when at least N decisions stand behind them.
"""

from __future__ import annotations

from typing import Any

PRIMARY = "primary"
SECONDARY = "secondary"


Group = tuple[list[Any], list[Any]]  # (parts, totals): sum(parts) == sum(totals)


def _group_exposes(
    parts: list[Any], totals: list[Any], values: dict[Any, int], hidden: dict[Any, str], n: int
) -> bool:
    """True if the shown cells of this relation pin down a hidden one.

    Hidden cells are intervals: "fewer than n" is 1..n-1 (zeros are shown), "not shown" is
    0..infinity. With every total shown, the hidden parts must add up to the remainder; a
    hidden part whose interval narrows to one value under that constraint is exposed.
    """
    unknown = [k for k in parts + totals if k in hidden]
    if not unknown:
        return False
    if len(unknown) == 1:
        return True
    if any(k in hidden for k in totals):
        return False  # two or more unknowns, one of them an unbounded total
    remainder = sum(values[k] for k in totals) - sum(values[k] for k in parts if k not in hidden)
    inf = float("inf")
    bounds = [(1, n - 1) if hidden[k] == PRIMARY else (0, inf) for k in unknown]
    # The other cells' bounds are the sums over all unknowns less the cell's own, summed once
    # rather than per cell (a column of a thousand agencies can hold hundreds of unknowns).
    sum_lo = sum(lo for lo, _ in bounds)
    unbounded = sum(1 for _, hi in bounds if hi == inf)
    sum_hi_bounded = sum(hi for _, hi in bounds if hi != inf)
    for lo, hi in bounds:
        if lo == hi:
            continue  # already known from its label alone (n = 2); nothing more to protect
        others_lo = sum_lo - lo
        if hi == inf:
            others_hi = inf if unbounded > 1 else sum_hi_bounded
        else:
            others_hi = inf if unbounded else sum_hi_bounded - hi
        if max(lo, remainder - others_hi) >= min(hi, remainder - others_lo):
            return True
    return False


def suppress_cells(values: dict[Any, int], groups: list[Group], threshold: int) -> dict[Any, str]:
    """Which cells to hide: {key: PRIMARY | SECONDARY}. See the rule in the module docstring.

    Each relation is checked on its own (not a full linear-programming audit across
    relations); the loop repeats until no relation exposes a hidden cell.
    """
    hidden: dict[Any, str] = {k: PRIMARY for k, v in values.items() if 0 < v < threshold}
    # Whether a relation exposes a cell depends only on which of its cells are hidden. A
    # relation found safe stays safe until one of its cells is hidden, so each pass skips the
    # relations none of whose cells changed since they were last checked: the passes visit
    # the remaining relations in the same order and pick the same cells as checking them all,
    # without rescanning a thousand-agency column for every cell hidden elsewhere.
    groups_of: dict[Any, list[int]] = {}
    for index, (parts, totals) in enumerate(groups):
        for key in parts + totals:
            groups_of.setdefault(key, []).append(index)
    dirty = [True] * len(groups)
    changed = True
    while changed:
        changed = False
        for index, (parts, totals) in enumerate(groups):
            if not dirty[index]:
                continue
            dirty[index] = False
            if not _group_exposes(parts, totals, values, hidden, threshold):
                continue
            candidates = [k for k in parts + totals if k not in hidden]
            if not candidates:
                continue
            # The smallest positive cell loses least information; a zero only if nothing else.
            pick = min(candidates, key=lambda k: (values[k] == 0, values[k]))
            hidden[pick] = SECONDARY
            for other in groups_of[pick]:
                dirty[other] = True
            changed = True
    return hidden
