"""How fast the words loop runs, against the bare multinomial draws it is made of.

The issue's budget: 100 generations of 10,000 words over a 20,000-word vocabulary, well
under a second. The baseline, measured in the same run on the same machine, is the same
number of plain ``rng.multinomial(samples, p, size=replicas)`` calls (one a generation,
generation 0 included), the least any implementation of the loop has to do. Each time is
the best of ``REPEATS`` (the machine is shared). Also prints the page's figure size.

    python bench/words.py
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from lib import words  # noqa: E402

REPEATS = 5
BUDGET_SECONDS = 1.0
CASES = (
    ("issue's case (T = 1, replace)", words.WordsScenario()),
    ("T = 0.7", words.WordsScenario(temperature=0.7)),
    ("accumulate, 20 % real", words.WordsScenario(regime="accumulate", real_fraction=0.2)),
    ("4 replicas (the page)", words.WordsScenario(replicas=4)),
    (
        "largest: 100,000 words, 300 generations",
        words.WordsScenario(samples=100_000, generations=300),
    ),
)


def best(function, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def baseline(scenario: words.WordsScenario) -> float:
    real = words.vocabulary(scenario.language).real

    def draws() -> None:
        rng = np.random.default_rng(scenario.seed)
        for _ in range(scenario.generations + 1):
            rng.multinomial(scenario.samples, real, size=scenario.replicas)

    return best(draws)


def figure_bytes(scenario: words.WordsScenario) -> int:
    from lib.figures.words import run_figure
    from lib.i18n import t, use_language

    use_language(scenario.language)
    run = words.simulate(scenario)
    frames = words.frame_generations(scenario.generations)
    keys = (
        "real model other_runs rank per_million alive entropy generation alive_title "
        "entropy_title hover_curve hover_alive hover_entropy play pause slider"
    )
    labels = {key: t(f"words.chart.{key}") for key in keys.split()}
    fig = run_figure(run, frames, [str(g) for g in frames], labels=labels)
    return len(fig.to_json())


def main() -> int:
    words.simulate(replace(CASES[0][1], generations=2))  # read the word list once
    print(f"{'case':42} {'loop s':>8} {'draws s':>8} {'ratio':>6}")
    issue_case = float("inf")
    for name, scenario in CASES:
        loop = best(lambda s=scenario: words.simulate(s))
        draws = baseline(scenario)
        print(f"{name:42} {loop:8.3f} {draws:8.3f} {loop / draws:6.2f}")
        if scenario == CASES[0][1]:
            issue_case = loop
            verdict = "within" if loop < BUDGET_SECONDS else "OVER"
            print(f"{'':42} {verdict} the {BUDGET_SECONDS:g} s budget")
    for language in words.LANGUAGES:
        size = (words.DATA_DIR / f"words_{language}.tsv.gz").stat().st_size
        print(f"data words_{language}.tsv.gz: {size / 1024:.0f} KiB")
    scenario = words.WordsScenario(replicas=4)
    print(f"figure at the page's defaults: {figure_bytes(scenario) / 1024:.0f} KiB of JSON")
    met = issue_case < BUDGET_SECONDS
    print(
        f"goal: the issue's case under {BUDGET_SECONDS:g} s; measured: {issue_case:.3f} s: "
        f"{'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
