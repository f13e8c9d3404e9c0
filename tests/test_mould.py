"""The mould analogy: casts lose detail as the exact formula says, fewer points lose it
faster, blending keeps a floor, one seed replays one run, pictures travel as small PNGs."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image
from scipy import stats

from lib import mould
from lib.figures.mould import LEVELS, mould_figure, picture_uri

SEEDS = range(48)
POINTS, COARSENESS, GENERATIONS = 20_000, 1.0, 20
FEW_POINTS = 5_000
FALSE_ALARM = 1e-4  # the chance that all the checks of one test together fail by luck


def _tolerance(checks: int) -> float:
    """How many standard errors a gap may reach: a Student quantile (the standard errors
    come from len(SEEDS) runs) with a Bonferroni split over ``checks`` checks."""
    return float(stats.t.ppf(1 - FALSE_ALARM / (2 * checks), df=len(SEEDS) - 1))


@pytest.fixture(scope="module")
def runs() -> dict[tuple[int, float], np.ndarray]:
    """Agreement of every seed's run, ``(seeds, generations + 1)``, by (points, share)."""
    p0 = mould.original() / mould.original().sum()
    out = {}
    for points, share in ((POINTS, 0.0), (POINTS, 0.5), (FEW_POINTS, 0.0)):
        rows = []
        for seed in SEEDS:
            rng = np.random.default_rng(seed)
            density, row = p0, [1.0]
            for _ in range(GENERATIONS):
                density = mould.cast(density, p0, points, COARSENESS, share, rng)
                row.append(float(mould.agreement(density, p0)))
            rows.append(row)
        out[(points, share)] = np.array(rows)
    return out


def _standard_error(samples: np.ndarray) -> np.ndarray:
    return samples.std(axis=0, ddof=1) / np.sqrt(len(samples))


def _gaps(simulated: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Gap between the runs' average and ``expected``, in standard errors, a generation."""
    return np.abs(simulated.mean(axis=0) - expected) / _standard_error(simulated)


def test_the_object_is_a_drawn_picture_with_detail():
    picture = mould.original()
    assert picture.shape == (mould.SIZE, mould.SIZE)
    assert picture.min() == 0.0 and 0.8 < picture.max() <= 1.0
    assert not picture.flags.writeable
    assert mould.original() is picture  # drawn once
    # Paper around the medal, ink inside, and many distinct shades (anti-aliased detail).
    assert picture[0, 0] == 0.0 and picture[mould.SIZE // 2, mould.SIZE // 2] > 0
    assert len(np.unique(picture)) > 50


def test_one_seed_replays_one_run():
    first = mould.run(5_000, 1.5, 5, 0.2, seed=3)
    again = mould.run(5_000, 1.5, 5, 0.2, seed=3)
    other = mould.run(5_000, 1.5, 5, 0.2, seed=4)
    np.testing.assert_array_equal(first.pictures, again.pictures)
    np.testing.assert_array_equal(first.detail, again.detail)
    assert not np.array_equal(first.pictures[-1], other.pictures[-1])


def test_a_cast_is_a_density_on_the_same_grid():
    p0 = mould.original() / mould.original().sum()
    rng = np.random.default_rng(0)
    cast = mould.cast(p0, p0, 3_000, 1.0, 0.0, rng)
    assert cast.shape == p0.shape
    assert cast.min() >= 0.0
    assert cast.sum() == pytest.approx(1.0, abs=1e-12)


def test_the_measure_scores_the_object_one_a_blank_zero_and_grain_below():
    p0 = mould.original() / mould.original().sum()
    blank = np.full_like(p0, 1.0 / p0.size)
    assert mould.agreement(p0, p0) == 1.0
    assert mould.agreement(blank, p0) == pytest.approx(0.0, abs=1e-12)
    # The object plus grain that sums to nothing: a linear measure would not see it.
    grain = np.random.default_rng(0).normal(0.0, p0.max(), p0.shape)
    assert mould.agreement(p0 + grain - grain.mean(), p0) < 0.0
    assert mould.detail(np.stack([p0, blank]), p0).tolist() == [1.0, 0.0]


def test_the_expected_detail_falls_every_generation():
    expected = mould.expected_agreement(60, POINTS, COARSENESS, 0.0)
    assert expected[0] == 1.0
    assert np.all(np.diff(expected) < 0)
    assert mould.expected_detail(60, POINTS, COARSENESS, 0.0)[-1] == 0.0


def test_detail_falls_with_generations_as_the_formula_says(runs):
    agreement = runs[(POINTS, 0.0)]
    expected = mould.expected_agreement(GENERATIONS, POINTS, COARSENESS, 0.0)
    np.testing.assert_array_equal(agreement[:, 0], 1.0)
    assert np.all(_gaps(agreement[:, 1:], expected[1:]) < _tolerance(GENERATIONS))
    # Falls in expectation: each step along 1, 2, 4, 8, 16, 20 loses more than noise allows.
    picks = [1, 2, 4, 8, 16, 20]
    drops = agreement[:, picks[:-1]] - agreement[:, picks[1:]]  # paired within each run
    assert np.all(drops.mean(axis=0) > _tolerance(len(picks) - 1) * _standard_error(drops))


def test_a_formula_without_the_grain_is_caught(runs):
    """The wrong twin: the blur alone (infinitely many points) misses the grain, and the
    simulation tells it apart."""
    agreement = runs[(FEW_POINTS, 0.0)]
    blur_only = mould.expected_agreement(GENERATIONS, 10**12, COARSENESS, 0.0)
    assert np.max(_gaps(agreement[:, 1:], blur_only[1:])) > _tolerance(GENERATIONS)


def test_fewer_points_lose_detail_faster(runs):
    few, many = runs[(FEW_POINTS, 0.0)], runs[(POINTS, 0.0)]
    expected = mould.expected_agreement(GENERATIONS, FEW_POINTS, COARSENESS, 0.0)
    assert np.all(_gaps(few[:, 1:], expected[1:]) < _tolerance(GENERATIONS))
    # Independent runs: the gap between the two averages against its standard error.
    picks = [1, 2, 5, 10]
    gap = many[:, picks].mean(axis=0) - few[:, picks].mean(axis=0)
    se = np.hypot(_standard_error(many[:, picks]), _standard_error(few[:, picks]))
    assert np.all(gap > _tolerance(len(picks)) * se)
    assert np.all(expected[1:] < mould.expected_agreement(GENERATIONS, POINTS, COARSENESS, 0)[1:])


def test_casting_from_the_object_keeps_the_detail_above_a_floor(runs):
    share = 0.5
    floor = mould.detail_floor(POINTS, COARSENESS, share)
    expected = mould.expected_agreement(GENERATIONS, POINTS, COARSENESS, share)
    assert np.all(expected[1:] > floor) and np.all(np.diff(expected) < 0)
    assert expected[-1] == pytest.approx(floor, rel=1e-3)  # settled after 20 generations
    agreement = runs[(POINTS, share)]
    assert np.all(_gaps(agreement[:, 1:], expected[1:]) < _tolerance(GENERATIONS))
    late = agreement[:, 10:].mean(axis=1)  # each run's average over generations 10..20
    assert abs(late.mean() - floor) < _tolerance(1) * late.std(ddof=1) / np.sqrt(len(late))
    # The floor is real: far above what the closed loop keeps, which falls to nothing.
    closed = runs[(POINTS, 0.0)][:, 10:].mean(axis=1)
    assert late.min() > closed.max() + 0.3
    assert mould.detail_floor(POINTS, COARSENESS, 0.0) == 0.0


def test_a_run_carries_its_pictures_detail_and_expectation():
    cast = mould.run(POINTS, COARSENESS, 4, 0.0, seed=2)
    assert cast.pictures.shape == (5, mould.SIZE, mould.SIZE)
    assert cast.detail.shape == cast.expected.shape == (5,)
    assert cast.detail[0] == cast.expected[0] == 1.0
    assert np.all((cast.detail >= 0) & (cast.detail <= 1))


def test_pictures_travel_as_small_palette_pngs():
    run = mould.run(POINTS, COARSENESS, 3, 0.0, seed=1)
    uri = picture_uri(run.pictures[-1])
    assert uri.startswith("data:image/png;base64,")
    raw = base64.b64decode(uri.split(",", 1)[1])
    image = Image.open(io.BytesIO(raw))
    assert image.mode == "P" and image.size == (mould.SIZE, mould.SIZE)
    assert len(np.unique(np.asarray(image))) <= LEVELS
    assert len(uri) < 8 * 1024


def test_the_mould_figure_has_one_frame_a_generation():
    run = mould.run(5_000, COARSENESS, 4, 0.0, seed=1)
    hover = [str(v) for v in run.detail]
    fig = mould_figure(
        run.pictures,
        run.detail,
        run.expected,
        detail_hover=hover,
        expected_hover=hover,
        picture_title="cast",
        detail_title="detail",
        detail_name="run",
        expected_name="average",
        generation_axis="generation",
        detail_axis="edges",
        percent_suffix="%",
        slider_prefix="generation ",
        play_label="play",
        pause_label="pause",
    )
    assert [trace.type for trace in fig.data][:2] == ["image", "scatter"]
    assert [frame.name for frame in fig.frames] == ["0", "1", "2", "3", "4"]
    sources = [frame.data[0].source for frame in fig.frames]
    assert len(set(sources)) == 5  # every generation its own picture
    assert list(fig.layout.sliders[0].steps[-1].args[0]) == ["4"]
