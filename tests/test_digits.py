"""Digits that blur: the loop, its measures, the stored default run, figures and page.

Statistical checks run 24 replicas of a small seeded scenario and compare the mean change
of a measure with its standard error over the replicas (SE = sd / √replicas), at 4 SE.
No check depends on the last bits of a CPU's arithmetic: EM amplifies them, so a run is
compared bit for bit only with a run of the same code on the same machine.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import subprocess
import sys

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lib import digits
from lib.figures.digits import gallery_figure, measures_figure, mosaic
from lib.i18n import catalogue
from lib.params import defaults
from scripts.precompute_digits import default_scenario
from tests.conftest import ROOT

# Small and quick: few components and samples make the collapse visible in 10 generations;
# 24 replicas (about 2 s) give standard errors worth their name.
SMALL = digits.DigitsScenario(components=5, samples=100, generations=10, replicas=24, seed=7)
Z = 4.0  # standard errors a mean change must clear


@pytest.fixture(scope="module")
def small_replace() -> digits.DigitsRun:
    return digits.simulate(SMALL)


@pytest.fixture(scope="module")
def small_half_real() -> digits.DigitsRun:
    return digits.simulate(digits.DigitsScenario(**{**SMALL.__dict__, "real_fraction": 0.5}))


def _change(measure: np.ndarray, start: int, end: int) -> tuple[float, float]:
    """Mean over replicas of measure[end] − measure[start], and its standard error."""
    change = measure[end] - measure[start]
    return float(change.mean()), float(change.std(ddof=1) / np.sqrt(len(change)))


def test_the_judge_reads_real_digits_it_never_saw():
    world = digits.world()
    real = world.facts
    assert real.judge_accuracy > 0.9
    assert abs(len(world.pixels) - real.total / 2) <= 1  # the other half trained the judge
    # The real world's digits are about one in ten each, as the judge sees them.
    assert np.all(np.abs(real.class_share - 0.1) < 0.03)
    assert 0.5 < real.recognised < 1.0


def test_shapes_and_ranges(small_replace):
    run, rows = small_replace, SMALL.generations + 1
    assert run.diversity.shape == run.recognised.shape == (rows, SMALL.replicas)
    assert run.class_share.shape == (rows, SMALL.replicas, digits.DIGITS)
    np.testing.assert_allclose(run.class_share.sum(axis=2), 1.0)
    assert run.gallery.shape == (rows, digits.GALLERY, digits.SIDE, digits.SIDE)
    assert run.gallery.dtype == np.uint8
    assert np.all(np.diff(run.gallery_digit, axis=1) >= 0), "the gallery is sorted by digit"
    assert np.all((run.recognised >= 0) & (run.recognised <= 1))


def test_generation_zero_is_real_handwriting(small_replace):
    # D₀ are real digits: their diversity is that of the real world (1) up to sampling.
    # (the subsample's mean pairwise distance is an unbiased estimate of the real one)
    first = small_replace.diversity[0]
    se = first.std(ddof=1) / np.sqrt(len(first))
    assert abs(first.mean() - 1.0) < Z * se


def test_diversity_falls_in_the_replace_regime(small_replace):
    fall, se = _change(small_replace.diversity, 0, SMALL.generations)
    assert fall < -Z * se and fall < -0.2
    later, later_se = _change(small_replace.diversity, 2, SMALL.generations)
    assert later < -Z * later_se, "it keeps falling after the first generations"
    drop, drop_se = _change(small_replace.recognised, 0, SMALL.generations)
    assert drop < -Z * drop_se


def test_diversity_holds_with_half_real_data(small_replace, small_half_real):
    # After the first step (the model's own blur), half real data stops the slide: what
    # moves after generation 2 is, with 4 SE to spare, under a fifth of the slide without
    # real data ...
    later, se = _change(small_half_real.diversity, 2, SMALL.generations)
    slide, _ = _change(small_replace.diversity, 2, SMALL.generations)
    assert abs(later) + Z * se < abs(slide) / 5
    # ... and ends far above the run without real data.
    with_real = small_half_real.diversity[-1]
    without = small_replace.diversity[-1]
    se_gap = np.sqrt(with_real.var(ddof=1) / len(with_real) + without.var(ddof=1) / len(without))
    assert with_real.mean() - without.mean() > Z * se_gap


def test_accumulating_holds_better_than_replacing(small_replace):
    accumulate = digits.simulate(
        digits.DigitsScenario(**{**SMALL.__dict__, "regime": "accumulate"})
    )
    kept = accumulate.diversity[-1]
    lost = small_replace.diversity[-1]
    se_gap = np.sqrt(kept.var(ddof=1) / len(kept) + lost.var(ddof=1) / len(lost))
    assert kept.mean() - lost.mean() > Z * se_gap


def test_a_warm_start_from_a_near_singular_mixture_is_accepted():
    # Late in a collapsing accumulate run, a component can be nearly flat in some
    # directions: the inverse of its covariance came out asymmetric enough for
    # scikit-learn to refuse it as a starting point (the largest run crashed).
    rng = np.random.default_rng(0)
    pixels = digits.world().pixels
    previous = digits.fit(pixels[:300], 3, rng)
    turn, _ = np.linalg.qr(rng.normal(size=(digits.PCA_DIMENSIONS,) * 2))
    flat = (turn * np.geomspace(1e6, 1e-6, digits.PCA_DIMENSIONS)) @ turn.T
    previous.mixture.covariances_ = np.stack([flat] * 3)
    model = digits.fit(pixels[300:600], 3, rng, previous=previous)
    assert model.draw(10, rng).shape == (10, digits.SIDE * digits.SIDE)


def test_a_seed_replays_the_run_and_replicas_are_chains_of_their_own():
    tiny = digits.DigitsScenario(components=3, samples=100, generations=2, replicas=2, seed=3)
    first, again = digits.simulate(tiny), digits.simulate(tiny)
    np.testing.assert_array_equal(first.diversity, again.diversity)
    np.testing.assert_array_equal(first.gallery, again.gallery)
    alone = digits.simulate(digits.DigitsScenario(**{**tiny.__dict__, "replicas": 1}))
    np.testing.assert_array_equal(alone.diversity[:, 0], first.diversity[:, 0])
    other = digits.simulate(digits.DigitsScenario(**{**tiny.__dict__, "seed": 4}))
    assert not np.array_equal(other.diversity, first.diversity)


def test_real_fraction_one_is_the_real_world():
    run = digits.simulate(
        digits.DigitsScenario(components=3, samples=200, generations=3, real_fraction=1.0)
    )
    assert np.all(np.abs(run.diversity - 1.0) < 0.1)
    assert np.all(np.abs(run.recognised - run.real.recognised) < 0.1)


def test_progress_reaches_one():
    heard: list[float] = []
    tiny = digits.DigitsScenario(components=2, samples=100, generations=2, replicas=2)
    digits.simulate(tiny, heard.append)
    assert heard == sorted(heard) and heard[-1] == pytest.approx(1.0) and len(heard) == 6


@pytest.mark.parametrize(
    "change",
    [{"regime": "both"}, {"real_fraction": 1.5}, {"samples": 10}, {"generations": 0}],
)
def test_bad_scenarios_are_refused(change):
    with pytest.raises(ValueError):
        digits.simulate(digits.DigitsScenario(**change))


def test_vanishing_names_digits_in_the_order_they_went():
    shares = np.full((5, 10), 0.1)
    shares[3:, 7] = 0.01  # the 7 goes at generation 3
    shares[2, 4] = 0.02  # the 4 dips at generation 2 and comes back: it still went first
    shares[0, 1] = 0.0  # generation 0 is the real world and never counts
    assert digits.vanishing(shares) == [(4, 2), (7, 3)]
    assert digits.vanishing(np.full((5, 10), 0.1)) == []


def test_a_shorter_run_is_the_start_of_a_longer_one(small_replace):
    short = digits.simulate(
        digits.DigitsScenario(**{**SMALL.__dict__, "generations": 3, "replicas": 2})
    )
    for name in ("diversity", "recognised", "class_share"):
        np.testing.assert_array_equal(getattr(short, name), getattr(small_replace, name)[:4, :2])
    np.testing.assert_array_equal(short.gallery, small_replace.gallery[:4])


def test_the_stored_default_run_is_the_page_default():
    scenario = default_scenario()
    assert scenario == digits.DigitsScenario(), "DigitsScenario's defaults are the page's"
    assert {k: getattr(scenario, k) for k in digits.KNOBS} == {
        k: v for k, v in defaults("digits").items() if k in digits.KNOBS
    }
    stored = digits.precomputed(scenario)
    assert stored is not None, "run scripts/precompute_digits.py"
    assert stored.scenario == scenario
    assert stored.written_on, "the stored run names the machine that wrote it"
    assert digits.precomputed(digits.DigitsScenario(seed=2)) is None


def test_the_stored_run_states_the_real_facts_of_this_machine():
    # The judge (L-BFGS) and the PCA (an SVD) are computed afresh here: another kernel may
    # round them otherwise, but must neither change a verdict on a real digit nor the
    # share of variance beyond rounding.
    stored = digits.precomputed(digits.DigitsScenario())
    fresh = digits.world().facts
    one_digit = 1 / len(digits.world().pixels)
    assert stored.real.total == fresh.total
    assert abs(stored.real.judge_accuracy - fresh.judge_accuracy) < one_digit / 2
    assert abs(stored.real.recognised - fresh.recognised) < one_digit / 2
    assert np.all(np.abs(stored.real.class_share - fresh.class_share) < one_digit / 2)
    assert stored.real.pca_variance == pytest.approx(fresh.pca_variance, rel=1e-9)


@pytest.fixture(scope="module")
def default_reference() -> digits.DigitsRun:
    """A fresh run of the page's default scenario, 12 replicas of another seed: independent
    of the stored run on every machine, the one that wrote it included (about 8 s)."""
    return digits.simulate(dataclasses.replace(digits.DigitsScenario(), replicas=12, seed=101))


def test_the_stored_run_agrees_with_a_fresh_run_within_standard_errors(default_reference):
    stored = digits.precomputed(digits.DigitsScenario())
    assert digits.disagreements(stored, default_reference) == []
    # The wrong twin: a stored run of a scenario with 10% fresh real data, passed off as the
    # default, must be caught.
    twin = digits.simulate(dataclasses.replace(digits.DigitsScenario(), real_fraction=0.1))
    assert digits.disagreements(twin, default_reference) != []


def test_the_stored_run_replays_bit_for_bit_on_the_machine_that_wrote_it():
    stored = digits.precomputed(digits.DigitsScenario())
    here = digits.machine()
    if here != stored.written_on:
        pytest.skip(f"stored on [{stored.written_on}], this machine is [{here}]")
    fresh = digits.simulate(digits.DigitsScenario())
    for name in ("diversity", "recognised", "class_share", "gallery", "gallery_digit"):
        np.testing.assert_array_equal(getattr(stored, name), getattr(fresh, name), err_msg=name)


@pytest.mark.skipif(platform.machine() != "x86_64", reason="x86 kernels")
def test_the_machine_names_the_blas_kernel():
    # OPENBLAS_CORETYPE picks OpenBLAS's kernel at load time, hence a subprocess each.
    code = "from lib import digits; print(digits.machine())"
    names = {}
    for kernel in ("Haswell", "Sandybridge"):
        environment = {**os.environ, "OPENBLAS_CORETYPE": kernel}
        answer = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True
        )
        names[kernel] = answer.stdout.decode().strip()
        assert kernel in names[kernel], names[kernel]
    assert names["Haswell"] != names["Sandybridge"]


def test_mosaic_puts_dark_ink_on_white_paper():
    gallery = np.zeros((12, 8, 8), np.uint8)
    gallery[1, 2, 3] = 255
    picture = mosaic(gallery, columns=10)
    assert picture.shape == (2 * 9 + 1, 10 * 9 + 1)
    assert picture[1, 1] == 255 and picture[0, 0] < 255  # paper, gutter
    assert picture[1 + 2, 1 + 9 + 3] == 0  # full ink of digit 1, row 2, column 3


def test_gallery_figure_animates_pictures_and_tally(small_replace):
    run = small_replace
    rows = SMALL.generations + 1
    shares = run.class_share[:, 0] * 100
    figure = gallery_figure(
        run.gallery,
        shares,
        run.real.class_share * 100,
        share_hover=[["x"] * 10] * rows,
        real_hover=["r"] * 10,
        grid_title="g",
        shares_title="s",
        digit_axis="d",
        share_axis="a",
        percent_suffix="%",
        drawn_name="n",
        real_name="r",
        slider_prefix="G ",
        play_label="Play",
        pause_label="Pause",
    )
    assert len(figure.frames) == rows
    assert figure.data[0].type == "image" and figure.data[0].source.startswith("data:image/png")
    assert len({f.data[0].source for f in figure.frames}) > 1
    np.testing.assert_allclose(figure.frames[-1].data[1].y, shares[-1])
    play = figure.layout.updatemenus[0].buttons[0]
    assert play.args[1]["frame"]["redraw"] is True
    assert len(figure.layout.sliders[0].steps) == rows


def test_measures_figure_draws_mean_band_and_real_line(small_replace):
    mean, low, high = digits.band(small_replace.diversity)
    assert np.all((low <= mean) & (mean <= high))
    figure = measures_figure(
        [(mean, low, high, 100.0, ["h"] * len(mean))] * 2,
        titles=["a", "b"],
        generation_axis="g",
        percent_suffix="%",
        mean_name="m",
        band_name="b",
        real_name="r",
    )
    assert len(figure.data) == 6
    assert figure.data[0].fill == "toself"
    np.testing.assert_allclose(figure.data[1].y, mean)


def _page(lang: str) -> AppTest:
    """The page as a shared link opens it: through the router (its previous/next links
    name the other pages, which only the router declares)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/digits.py")
    at.query_params["lang"] = lang
    at.session_state["table_digits_grid"] = True  # the folded table, built once opened
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _frames(at: AppTest) -> int:
    return len(json.loads(at.get("plotly_chart")[0].proto.spec)["frames"])


def test_the_page_paints_the_stored_run_then_follows_the_knobs():
    at = _page("en")
    words = catalogue("en")
    assert at.title[0].value == words["nav.digits"]
    # the animation and the measures (the still grid only for who asks for less motion)
    assert len(at.get("plotly_chart")) == 2
    assert len(at.table) == 1, "the key generations as a table, the chart's text alternative"
    assert _frames(at) == digits.DigitsScenario().generations + 1
    text = " ".join(m.value for m in (*at.markdown, *at.caption))
    assert "96.3%" in text, "the judge's accuracy on real digits it never saw"
    stored = digits.precomputed(digits.DigitsScenario())
    (digit, generation), *_ = digits.vanishing(stored.class_share[:, 0])
    first = words["digits.vanished_first"].format(digit=digit, generation=generation)
    assert first in text, "the sentence names the digit that vanished first"
    assert words["digits.stored_run"] in text, "the page says the default was computed ahead"

    at.select_slider(key="samples").set_value(150)
    at.select_slider(key="generations").set_value(4)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["samples"] in (["150"], "150")
    assert at.query_params["generations"] in (["4"], "4")
    assert _frames(at) == 5
    text = " ".join(m.value for m in at.markdown)
    captions = [m.value for m in at.caption]
    assert words["digits.stored_run"] not in captions, "a run made here is not a stored one"
    sentences = (words[f"digits.{key}"] for key in ("vanished_first", "vanished_none"))
    assert any(sentence.split("{")[0] in text for sentence in sentences)


def test_the_projector_steps_the_gallery_and_drops_the_rest():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/digits.py")
    at.query_params["lang"] = "en"
    at.query_params["present"] = "1"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("plotly_chart")) == 1, "the gallery alone: no measures, no still grid"
    assert not at.subheader and not at.caption
    at.button(key="present_next_digits_grid").click().run()
    assert not at.exception
    grid = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert grid["layout"]["sliders"][0]["active"] == 1


def test_the_page_speaks_french():
    at = _page("fr")
    assert at.title[0].value == catalogue("fr")["nav.digits"]
    text = " ".join(m.value for m in (*at.markdown, *at.caption))
    assert "96,3\u00a0%" in text
    assert catalogue("fr")["digits.vanished_first"].split("{")[0] in text
    grid = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert catalogue("fr")["digits.play"] in grid["layout"]["updatemenus"][0]["buttons"][0]["label"]


def test_the_stored_default_paints_without_scikit_learn():
    # Importing scikit-learn costs about a second: the page's first paint must not need it.
    code = (
        "import sys; from lib import digits; from lib.figures import digits as figures; "
        "assert digits.precomputed(digits.DigitsScenario()) is not None; "
        "assert 'sklearn' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
