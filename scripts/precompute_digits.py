"""Compute the digits page's default scenario once and store it in lib/data/.

Run after changing lib/digits.py or the page's defaults in lib/params.py:
    python scripts/precompute_digits.py
tests/test_digits.py checks that the stored run equals a fresh one.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lib import digits
from lib.params import defaults


def default_scenario() -> digits.DigitsScenario:
    values = defaults("digits")
    return digits.DigitsScenario(**{key: values[key] for key in digits.KNOBS})


def main() -> None:
    scenario = default_scenario()
    start = time.perf_counter()
    run = digits.simulate(scenario)
    digits.save_run(run)
    size = digits.DEFAULT_FILE.stat().st_size
    print(f"{scenario}\n{time.perf_counter() - start:.2f} s, {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
