"""Which gates saturate at a step: pre-activations beyond ±30 (Qt-free).

Past |z| = 30, σ(z) is within 1e-13 of 0 or 1 and tanh(z) within 1e-26 of ±1: the gate is
stuck, and a change of its weights barely moves it. The diagram marks such a gate with a badge
rather than let the colours hide it.
"""

from __future__ import annotations

import numpy as np

from simulator.engine import StepResult

SATURATION_LIMIT = 30.0
"""A gate saturates where the absolute value of its pre-activation exceeds this."""

PRE_ACTIVATION_OF = {
    "forget_gate": "forget_pre",
    "input_gate": "input_pre",
    "candidate": "candidate_pre",
    "output_gate": "output_pre",
}
"""The pre-activation field behind each gate part."""


def saturated_units(step: StepResult | None, limit: float = SATURATION_LIMIT) -> dict[str, np.ndarray]:
    """For each gate part, the units whose pre-activation exceeds ±``limit`` at ``step`` (none at t = 0)."""
    if step is None:
        return {part: np.zeros(0, dtype=np.intp) for part in PRE_ACTIVATION_OF}
    return {
        part: np.flatnonzero(np.abs(getattr(step, pre)) > limit) for part, pre in PRE_ACTIVATION_OF.items()
    }


def describe(step: StepResult, part: str, units: np.ndarray, symbol: str) -> str:
    """One line naming the saturated units of ``part`` and their pre-activations, e.g. for a tooltip."""
    z = getattr(step, PRE_ACTIVATION_OF[part])
    shown = ", ".join(f"{symbol}[{u}]: z = {z[u]:.3g}" for u in units[:6])
    more = f" and {len(units) - 6} more" if len(units) > 6 else ""
    return f"Saturated (|z| > {SATURATION_LIMIT:g}): {shown}{more}"


__all__ = ["PRE_ACTIVATION_OF", "SATURATION_LIMIT", "describe", "saturated_units"]
