"""Compute the digits page's default scenario once and store it in lib/data/.

Run after changing lib/digits.py or the page's defaults in lib/params.py:
    python scripts/precompute_digits.py
``--check`` compares the stored run with a fresh one instead (exit 1 if they differ);
tests/test_digits.py checks the first generations only, to stay quick.
"""

from __future__ import annotations

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


def same(stored: digits.DigitsRun | None, fresh: digits.DigitsRun) -> bool:
    if stored is None:
        return False
    names = ("diversity", "recognised", "class_share", "gallery", "gallery_digit")
    return all(np.allclose(getattr(stored, n), getattr(fresh, n), atol=1e-12) for n in names)


def main() -> int:
    scenario = default_scenario()
    start = time.perf_counter()
    run = digits.simulate(scenario)
    if "--check" in sys.argv[1:]:
        ok = same(digits.precomputed(scenario), run)
        print("stored run equals a fresh one" if ok else "stored run is stale: recompute it")
        return 0 if ok else 1
    digits.save_run(run)
    size = digits.DEFAULT_FILE.stat().st_size
    print(f"{scenario}\n{time.perf_counter() - start:.2f} s, {size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
