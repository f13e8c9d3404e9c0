"""The mould analogy: casts lose detail as the closed form says, blending keeps a floor,
one seed replays one run, and pictures travel as small PNGs."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from lib import mould
from lib.figures.mould import LEVELS, mould_figure, picture_uri

SEEDS = range(12)
Z = 4.0  # tolerance in standard errors: a false alarm about once in 16,000 checks
POINTS, COARSENESS, GENERATIONS = 20_000, 1.0, 30


@pytest.fixture(scope="module")
def runs() -> dict[float, np.ndarray]:
    """Detail of every seed's run, ``(seeds, generations + 1)``, by share of the object."""
    return {
        share: np.array(
            [mould.run(POINTS, COARSENESS, GENERATIONS, share, seed).detail for seed in SEEDS]
        )
        for share in (0.0, 0.5)
    }


def _standard_error(samples: np.ndarray) -> np.ndarray:
    return samples.std(axis=0, ddof=1) / np.sqrt(len(samples))


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


def test_the_expected_detail_falls_every_generation():
    expected = mould.expected_detail(60, POINTS, COARSENESS, 0.0)
    assert expected[0] == 1.0
    assert np.all(np.diff(expected) < 0)
    assert expected[-1] < 0.05


def test_detail_falls_with_generations_as_the_closed_form_says(runs):
    detail = runs[0.0]
    expected = mould.expected_detail(GENERATIONS, POINTS, COARSENESS, 0.0)
    np.testing.assert_array_equal(detail[:, 0], 1.0)
    se = _standard_error(detail[:, 1:])
    assert np.all(np.abs(detail[:, 1:].mean(axis=0) - expected[1:]) < Z * se + 1e-12)
    # Falls in expectation: each step along 1, 2, 4, 8, 16, 30 loses more than noise allows.
    picks = [1, 2, 4, 8, 16, 30]
    drops = detail[:, picks[:-1]] - detail[:, picks[1:]]  # paired within each run
    assert np.all(drops.mean(axis=0) > Z * _standard_error(drops))


def test_casting_from_the_object_keeps_the_detail_above_a_floor(runs):
    share = 0.5
    floor = mould.detail_floor(POINTS, COARSENESS, share)
    expected = mould.expected_detail(GENERATIONS, POINTS, COARSENESS, share)
    assert np.all(expected[1:] > floor) and np.all(np.diff(expected) < 0)
    assert expected[-1] == pytest.approx(floor, rel=1e-3)  # settled after 30 generations
    detail = runs[share]
    late = detail[:, 10:].mean(axis=1)  # each run's average over generations 10..30
    assert late.mean() > floor - Z * late.std(ddof=1) / np.sqrt(len(late))
    # The floor is real: far above what the closed loop keeps.
    assert late.min() > 5 * runs[0.0][:, 10:].mean(axis=1).max()
    assert mould.detail_floor(POINTS, COARSENESS, 0.0) == 0.0


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
