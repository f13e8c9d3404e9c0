"""Compute the digits page's default scenario once and store it in lib/data/.

Run after changing lib/digits.py or the page's defaults in lib/params.py:
    python scripts/precompute_digits.py
``--check`` compares the stored run with a fresh one instead (exit 1 if they differ): bit
for bit on the machine that wrote it, within standard errors elsewhere (EM amplifies the
last bits of a CPU's arithmetic, see lib/digits.py); tests/test_digits.py checks the same.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lib import digits
from lib.params import defaults


def default_scenario() -> digits.DigitsScenario:
    values = defaults("digits")
    return digits.DigitsScenario(**{key: values[key] for key in digits.KNOBS})


def check(stored: digits.DigitsRun | None, scenario: digits.DigitsScenario) -> bool:
    """Bit for bit on the machine that wrote ``stored``, within 4 SE of a fresh run of 12
    replicas of another seed elsewhere."""
    if stored is None:
        print("no stored run for these library versions and scenario: recompute it")
        return False
    if stored.written_on == digits.machine():
        fresh = digits.simulate(scenario)
        names = ("diversity", "recognised", "class_share", "gallery", "gallery_digit")
        ok = all(np.array_equal(getattr(stored, n), getattr(fresh, n)) for n in names)
        print("stored run equals a fresh one" if ok else "stored run is stale: recompute it")
        return ok
    reference = digits.simulate(dataclasses.replace(scenario, replicas=12, seed=101))
    found = digits.disagreements(stored, reference)
    verdict = "yes" if not found else "no: " + "; ".join(found)
    print(f"stored on another machine [{stored.written_on}]")
    print(f"within 4 SE of a fresh run: {verdict}")
    return not found


def main() -> int:
    scenario = default_scenario()
    if "--check" in sys.argv[1:]:
        return 0 if check(digits.precomputed(scenario), scenario) else 1
    start = time.perf_counter()
    run = digits.simulate(scenario)
    digits.save_run(run)
    size = digits.DEFAULT_FILE.stat().st_size
    print(f"{scenario}\n{time.perf_counter() - start:.2f} s, {size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
