"""Digits that blur: the collapse loop on handwritten digits.

The real world is half of the 1,797 handwritten digits (8 × 8 pixels, ink 0 to 16) that
scikit-learn ships; the other half trains, once, the judge: a logistic regression that
says which digit a drawing shows and how sure it is. Generation 0's data D₀ are
``samples`` draws of real digits. For n = 1, 2, …, model n learns from D_{n−1} (replace)
or from D₀ ∪ … ∪ D_{n−1} (accumulate): a PCA of the pixels, then a Gaussian mixture of
``components`` components in that PCA space. Both are refitted every generation, as in
the paper's loop where a model keeps nothing from the real world but what reaches it
through its training data. D_n is ``round(real_fraction × samples)`` fresh real digits
plus the model's drawings, mapped back to pixels and clipped to the ink range.

Measures (each (generations + 1, replicas), row 0 for D₀):
- diversity: mean distance between two drawings of D_n over that of two real digits;
- recognised: share of D_n the judge names with probability at least ``CONFIDENT``;
- class_share: share of D_n the judge assigns to each digit (its best guess).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

# scikit-learn and scipy are imported where they are used: the page's default run is
# stored, and painting it needs neither (importing scikit-learn alone costs a second).
if TYPE_CHECKING:
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.mixture import GaussianMixture

INK = 16.0  # pixel values run from 0 (paper) to 16 (full ink)
SIDE = 8  # digits are SIDE × SIDE pixels
DIGITS = 10
PCA_DIMENSIONS = 20  # keeps about 90 % of the real digits' pixel variance (World)
CONFIDENT = 0.9  # the judge "recognises" a drawing when it is at least this sure
VANISHED = 0.025  # a digit has vanished when under a quarter of its real share (1 in 10)
DIVERSITY_SUBSAMPLE = 250  # drawings whose pairwise distances estimate diversity
GALLERY = 50  # drawings of replica 0 kept per generation for the picture
JUDGE_SPLIT_SEED = 0  # the split real world / judge is fixed, whatever the visitor's seed
REGIMES = ("replace", "accumulate")
# The page's knobs (their names in lib/params.py), all fields of DigitsScenario.
KNOBS = ("components", "samples", "generations", "real_fraction", "regime", "seed")
# In the accumulate regime a model learns from at most this many digits of the pile,
# drawn at random (every generation keeps its share of the pile, the real D₀ included).
PILE_CAP = 2_000
DEFAULT_FILE = Path(__file__).parent / "data" / "digits_default.npz"
REG_COVAR = 1e-4  # added to every covariance's diagonal, keeps EM away from singularities


@dataclass(frozen=True)
class DigitsScenario:
    components: int = 10  # Gaussian components of each generation's mixture
    samples: int = 300  # drawings a generation (its training data for the next)
    generations: int = 20  # n after generation 0
    real_fraction: float = 0.0  # share of fresh real digits in each generation's data
    regime: str = "replace"  # replace | accumulate
    replicas: int = 3  # independent chains, for the bands
    seed: int = 1


@dataclass(frozen=True)
class RealFacts:
    """What the page says about real handwriting and the judge (stored with the run)."""

    total: int  # digits scikit-learn ships, both halves
    judge_accuracy: float  # on the real-world half, which the judge never saw
    recognised: float  # share of real-world digits the judge recognises with confidence
    class_share: np.ndarray  # (DIGITS,) share of real-world digits it takes for each digit
    pca_variance: float  # share of the real digits' pixel variance PCA_DIMENSIONS keep


@dataclass(frozen=True)
class DigitsRun:
    scenario: DigitsScenario
    real: RealFacts
    diversity: np.ndarray  # (generations + 1, replicas)
    recognised: np.ndarray  # (generations + 1, replicas)
    class_share: np.ndarray  # (generations + 1, replicas, DIGITS)
    # Replica 0's first GALLERY drawings of each generation, ordered by the judge's digit,
    # as ink levels 0–255 (for the picture only).
    gallery: np.ndarray  # (generations + 1, GALLERY, SIDE, SIDE) uint8
    gallery_digit: np.ndarray  # (generations + 1, GALLERY) the judge's digit for each
    # For a stored run, the machine that computed it (see ``machine``); "" when fresh.
    written_on: str = ""


@dataclass(frozen=True)
class World:
    """The real digits the loop draws from, and the judge trained on the other half."""

    pixels: np.ndarray  # (n, SIDE * SIDE) real-world digits
    labels: np.ndarray  # (n,)
    judge: LogisticRegression
    typical_distance: float  # mean distance between two real-world digits
    facts: RealFacts


@cache
def world() -> World:
    """Split the digits once: the judge learns on one half, the loop lives on the other."""
    from scipy.spatial.distance import pdist
    from sklearn.datasets import load_digits
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from threadpoolctl import threadpool_limits

    pixels, labels = load_digits(return_X_y=True)
    judge_x, world_x, judge_y, world_y = train_test_split(
        pixels, labels, test_size=0.5, stratify=labels, random_state=JUDGE_SPLIT_SEED
    )
    with threadpool_limits(limits=1):  # one BLAS thread, as in the loop below
        judge = LogisticRegression(C=10.0, max_iter=5_000).fit(judge_x / INK, judge_y)
    probabilities = judge.predict_proba(world_x / INK)
    guess = probabilities.argmax(axis=1)
    facts = RealFacts(
        total=len(pixels),
        judge_accuracy=float(np.mean(guess == world_y)),
        recognised=float(np.mean(probabilities.max(axis=1) >= CONFIDENT)),
        class_share=np.bincount(guess, minlength=DIGITS) / len(guess),
        pca_variance=float(PCA(PCA_DIMENSIONS).fit(world_x).explained_variance_ratio_.sum()),
    )
    return World(world_x, world_y, judge, float(pdist(world_x).mean()), facts)


def judge_digits(drawings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The judge's best guess for each drawing, and how sure it is."""
    probabilities = world().judge.predict_proba(drawings / INK)
    return probabilities.argmax(axis=1), probabilities.max(axis=1)


def diversity(drawings: np.ndarray, rng: np.random.Generator) -> float:
    """Mean distance between two drawings, over that between two real digits."""
    from scipy.spatial.distance import pdist

    if len(drawings) > DIVERSITY_SUBSAMPLE:
        drawings = drawings[rng.choice(len(drawings), DIVERSITY_SUBSAMPLE, replace=False)]
    return float(pdist(drawings).mean() / world().typical_distance)


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(2**31 - 1))


@dataclass(frozen=True)
class Model:
    """One generation's model: a PCA of the pixels and a Gaussian mixture of its codes."""

    pca: PCA
    mixture: GaussianMixture

    def draw(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """``count`` drawings in pixel space, clipped to the ink range, in random order."""
        if count == 0:
            return np.empty((0, SIDE * SIDE))
        self.mixture.random_state = _seed(rng)
        codes, _ = self.mixture.sample(count)  # grouped by component: shuffled below
        pixels = np.clip(self.pca.inverse_transform(codes), 0.0, INK)
        return pixels[rng.permutation(count)]


def _carried_over(previous: Model, pca: PCA) -> dict[str, np.ndarray]:
    """``previous``'s mixture expressed in the codes of ``pca``: a starting point for EM."""
    old = previous.mixture
    turn = pca.components_ @ previous.pca.components_.T  # (new dims, old dims)
    shift = (previous.pca.mean_ - pca.mean_) @ pca.components_.T
    means = old.means_ @ turn.T + shift
    covariances = turn @ old.covariances_ @ turn.T + REG_COVAR * np.eye(len(turn))
    # Rounding leaves the inverse of a near-singular covariance a little asymmetric, which
    # scikit-learn refuses: average it with its transpose.
    precisions = np.linalg.inv(covariances)
    return {
        "weights_init": old.weights_,
        "means_init": means,
        "precisions_init": (precisions + precisions.transpose(0, 2, 1)) / 2,
    }


def fit(
    training: np.ndarray,
    components: int,
    rng: np.random.Generator,
    previous: Model | None = None,
) -> Model:
    """Fit PCA + mixture to ``training``. EM starts from k-means++ centres, or from
    ``previous`` when given (the accumulate regime, where the pile grows by one
    generation at a time and the last model is already close to the answer)."""
    from sklearn.decomposition import PCA
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    pca = PCA(n_components=PCA_DIMENSIONS, random_state=_seed(rng))
    codes = pca.fit_transform(training)
    start = {} if previous is None else _carried_over(previous, pca)
    mixture = GaussianMixture(
        n_components=components,
        covariance_type="full",
        reg_covar=REG_COVAR,
        init_params="k-means++",
        random_state=_seed(rng),
        **start,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mixture.fit(codes)
    return Model(pca, mixture)


def _validate(scenario: DigitsScenario) -> None:
    if scenario.regime not in REGIMES:
        raise ValueError(f"regime must be one of {REGIMES}, not {scenario.regime!r}")
    if not 0.0 <= scenario.real_fraction <= 1.0:
        raise ValueError("real_fraction must lie in [0, 1]")
    if scenario.samples <= scenario.components or scenario.samples <= PCA_DIMENSIONS:
        raise ValueError("samples must exceed both components and PCA_DIMENSIONS")
    if scenario.generations < 1 or scenario.replicas < 1:
        raise ValueError("generations and replicas must be at least 1")


def _chain(scenario: DigitsScenario, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """One replica's D₀, D₁, …, D_generations (each (samples, SIDE * SIDE)), in turn."""
    pool = world().pixels
    fresh = round(scenario.real_fraction * scenario.samples)
    data = pool[rng.integers(len(pool), size=scenario.samples)]
    datasets, model = [data], None
    yield data
    for _ in range(scenario.generations):
        if scenario.regime == "replace":
            model = fit(data, scenario.components, rng)
        else:
            pile = np.concatenate(datasets)
            if len(pile) > PILE_CAP:
                pile = pile[rng.choice(len(pile), PILE_CAP, replace=False)]
            model = fit(pile, scenario.components, rng, previous=model)
        drawn = model.draw(scenario.samples - fresh, rng)
        real = pool[rng.integers(len(pool), size=fresh)]
        data = np.concatenate([real, drawn])[rng.permutation(scenario.samples)]
        datasets.append(data)
        yield data


def simulate(
    scenario: DigitsScenario, progress: Callable[[float], None] | None = None
) -> DigitsRun:
    """Run the loop for every replica; ``progress`` hears the share done (0 to 1)."""
    from threadpoolctl import threadpool_limits

    _validate(scenario)
    # Loads scikit-learn, and with it the thread pools the limit below must see.
    real = world().facts
    rows, replicas = scenario.generations + 1, scenario.replicas
    diversity_ = np.empty((rows, replicas))
    recognised = np.empty((rows, replicas))
    class_share = np.empty((rows, replicas, DIGITS))
    gallery = np.empty((rows, GALLERY, SIDE, SIDE), dtype=np.uint8)
    gallery_digit = np.empty((rows, GALLERY), dtype=int)
    # Two generators per replica, spawned from the seed, one for the loop and one for the
    # measures: replica r is the same chain whatever the number of replicas, and a run of
    # fewer generations is the start of a longer one.
    chains = np.random.default_rng(scenario.seed).spawn(replicas)
    # Small matrices: one BLAS thread is faster than two on a shared 2-core machine.
    with threadpool_limits(limits=1):
        for r, (loop_rng, measure_rng) in enumerate(chain.spawn(2) for chain in chains):
            for n, data in enumerate(_chain(scenario, loop_rng)):
                digit, sureness = judge_digits(data)
                diversity_[n, r] = diversity(data, measure_rng)
                recognised[n, r] = float(np.mean(sureness >= CONFIDENT))
                class_share[n, r] = np.bincount(digit, minlength=DIGITS) / len(data)
                if r == 0:
                    order = np.argsort(digit[:GALLERY], kind="stable")
                    ink = np.rint(data[:GALLERY][order] * (255 / INK))
                    gallery[n] = ink.reshape(GALLERY, SIDE, SIDE)
                    gallery_digit[n] = digit[:GALLERY][order]
                if progress is not None:
                    progress((r * rows + n + 1) / (rows * replicas))
    return DigitsRun(scenario, real, diversity_, recognised, class_share, gallery, gallery_digit)


def band(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, lowest and highest over replicas of a (generations + 1, replicas) measure."""
    return values.mean(axis=1), values.min(axis=1), values.max(axis=1)


def vanishing(shares: np.ndarray) -> list[tuple[int, int]]:
    """``(digit, generation)`` for every digit whose share of the drawings fell below
    ``VANISHED``, the generation being the first it did; earliest first.

    shares: (generations + 1, DIGITS), one chain's class shares.
    """
    below = shares[1:] < VANISHED
    gone = [(digit, int(np.argmax(below[:, digit])) + 1) for digit in np.flatnonzero(below.any(0))]
    return sorted(gone, key=lambda pair: (pair[1], pair[0]))


# The default scenario, computed ahead by scripts/precompute_digits.py so that the page
# paints at once.
#
# What the stored run promises. EM amplifies the last bits of floating-point arithmetic:
# two CPUs whose BLAS kernels (or numpy's SIMD loops) round one sum differently end, after
# a few generations, with other drawings. So, on any machine: the same scenario, the same
# real facts, and measures that agree with a fresh run within their standard errors
# (``disagreements``). Bit for bit only on a machine with the same ``machine()`` as the one
# that wrote it. The page says that the default is a run computed ahead.
_ARRAYS = ("diversity", "recognised", "class_share", "gallery", "gallery_digit")


def _versions() -> str:
    return f"numpy {version('numpy')}, scikit-learn {version('scikit-learn')}"


def machine() -> str:
    """What decides the last bits of a run here: library versions, the BLAS kernels
    OpenBLAS picked for this CPU (``OPENBLAS_CORETYPE`` can force another), numpy's SIMD
    loops in use, the C library and the processor's architecture."""
    import platform

    import scipy.linalg  # noqa: F401  (loads scipy's BLAS, the one scikit-learn calls)
    from numpy._core import _multiarray_umath as umath
    from threadpoolctl import threadpool_info

    kernels = sorted(
        f"{pool['prefix']} {pool['version']} {pool.get('architecture')}"
        for pool in threadpool_info()
        if pool["user_api"] == "blas"
    )
    simd = [name for name in umath.__cpu_dispatch__ if umath.__cpu_features__.get(name)]
    libc = " ".join(platform.libc_ver())
    return "; ".join(
        [
            f"{_versions()}, scipy {version('scipy')}",
            "BLAS " + ", ".join(kernels),
            "SIMD " + " ".join(simd),
            f"{libc} {platform.machine()}",
        ]
    )


def save_run(run: DigitsRun, path: Path = DEFAULT_FILE) -> None:
    arrays = {name: getattr(run, name) for name in _ARRAYS}
    real = {f"real_{key}": value for key, value in asdict(run.real).items()}
    scenario = json.dumps(asdict(run.scenario), sort_keys=True)
    np.savez_compressed(
        path, scenario=scenario, versions=_versions(), machine=machine(), **arrays, **real
    )


def precomputed(scenario: DigitsScenario, path: Path = DEFAULT_FILE) -> DigitsRun | None:
    """The stored run of ``scenario`` if there is one made with these library versions."""
    if not path.exists():
        return None
    with np.load(path) as stored:
        if str(stored["versions"]) != _versions():
            return None
        if DigitsScenario(**json.loads(str(stored["scenario"]))) != scenario:
            return None
        real = RealFacts(
            total=int(stored["real_total"]),
            judge_accuracy=float(stored["real_judge_accuracy"]),
            recognised=float(stored["real_recognised"]),
            class_share=stored["real_class_share"],
            pca_variance=float(stored["real_pca_variance"]),
        )
        arrays = {name: stored[name] for name in _ARRAYS}
        return DigitsRun(scenario, real, **arrays, written_on=str(stored["machine"]))


# The statistics ``disagreements`` compares: a replica's measure averaged over generations
# 1 to N (the whole curve), and at generation N (where the page's sentence reads it).
_SUMMARIES = {
    "curve": lambda values: values[1:].mean(axis=0),
    "last": lambda values: values[-1],
}


def disagreements(stored: DigitsRun, fresh: DigitsRun, z: float = 4.0) -> list[str]:
    """Where ``stored`` and ``fresh`` (runs of one scenario with independent seeds) differ
    by more than ``z`` standard errors: for diversity and recognised, the replicas' mean of
    each summary in ``_SUMMARIES``. The standard error is the two-sample one, from the
    replicas' variance pooled over both runs (the stored run has few replicas)."""
    found = []
    for measure in ("diversity", "recognised"):
        for name, summary in _SUMMARIES.items():
            a = summary(getattr(stored, measure))
            b = summary(getattr(fresh, measure))
            pooled = ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (
                len(a) + len(b) - 2
            )
            se = float(np.sqrt(pooled * (1 / len(a) + 1 / len(b))))
            gap = float(a.mean() - b.mean())
            if abs(gap) > z * se:
                found.append(
                    f"{measure} {name}: {a.mean():.4f} vs {b.mean():.4f} ({gap / se:+.1f} SE)"
                )
    return found
