"""followup — the clocks of a case and what is due, read off its journey (rules.md «followup»).

Clocks compare local dates in the case's time zone; a term of N working days starts the
day after its start event (Civil Code art. 191). The journey computes them; this module
only says them.
"""

from __future__ import annotations

from typing import Any

from hotline_cli.procedure.journey import Journey


def followup(journey: Journey) -> dict[str, Any]:
    warnings = [f"календарь {y} года предварительный: постановления о переносе выходных нет, "
                "сроки могут сдвинуться" for y in journey.provisional_years()]
    return {
        "as_of": journey.as_of.isoformat(),
        "clocks": [c.as_dict() for c in journey.clocks()],
        "next_actions": [d.as_dict() for d in journey.due],
        "legal": [t.as_dict() for t in journey.legal],
        "warnings": warnings + journey.warnings,
    }
