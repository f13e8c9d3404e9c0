"""The laboratory: its figures, its summary sentence, its presets, and the page itself."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lib import params, presets, summary
from lib.engine import Scenario, default_replicas, simulate
from lib.figures import small_multiples
from lib.figures.histogram import (
    LABELLED_STEPS,
    MAX_FRAMES,
    MAX_ZOOM,
    frame_generations,
    histogram_figure,
    y_ceiling,
)
from lib.figures.measures import MeasureLines, measure_figure
from lib.i18n import catalogue, t, use_language
from tests.conftest import ROOT, painted

APP = ROOT / "app.py"
NBSP = "\u00a0"
LABELS = {
    "synthetic": "data",
    "real": "real",
    "x": "value",
    "y": "density",
    "play": "Play",
    "pause": "Pause",
    "slider": "Generation ",
}


@pytest.fixture
def english():
    use_language("en")
    yield
    use_language("en")


# -- the main chart --------------------------------------------------------------------


def test_every_generation_gets_a_frame_up_to_the_limit():
    assert frame_generations(12).tolist() == list(range(13))
    assert len(frame_generations(MAX_FRAMES - 1)) == MAX_FRAMES


def test_long_runs_are_subsampled_keeping_both_ends():
    frames = frame_generations(1_000)
    assert len(frames) <= MAX_FRAMES
    assert frames[0] == 0 and frames[-1] == 1_000
    assert np.all(np.diff(frames) > 0)
    assert np.diff(frames).max() - np.diff(frames).min() <= 1  # evenly spaced


def test_the_y_axis_is_capped_relative_to_the_real_density():
    spike = np.array([[0.1, 50.0, 0.1]])
    assert y_ceiling(spike, 0.4) == pytest.approx(1.05 * MAX_ZOOM * 0.4)
    assert y_ceiling(np.array([[0.1, 0.2]]), 0.4) == pytest.approx(1.05 * 0.4)
    assert y_ceiling(np.array([[0.1, 1.0]]), 0.4) == pytest.approx(1.05)


def _histogram(frames: int = 13, bins: int = 8):
    rng = np.random.default_rng(3)
    edges = np.linspace(-2, 2, bins + 1)
    heights = rng.random((frames, bins))
    titles = [f"Generation {g}" for g in range(frames)]
    x = np.linspace(-2, 2, 41)
    figure = histogram_figure(
        edges,
        heights,
        [str(g) for g in range(frames)],
        titles,
        x,
        np.exp(-(x**2) / 2) / np.sqrt(2 * np.pi),
        y_max=1.2,
        labels=LABELS,
    )
    return figure, edges, heights


def test_frames_carry_only_the_bar_heights_and_a_title():
    figure, edges, heights = _histogram()
    assert len(figure.frames) == 13
    spec = json.loads(figure.to_json())
    bars, outline = spec["data"]
    assert bars["type"] == "bar" and outline["type"] == "scatter"
    assert bars["x"] == pytest.approx(0.5 * (edges[:-1] + edges[1:]))
    for index, frame in enumerate(spec["frames"]):
        assert frame["traces"] == [0, 1]
        bar, rider = frame["data"]
        assert set(bar) == {"type", "y"}  # no x, no style: those are sent once
        assert set(rider) == {"type"}  # the outline only rides along
        assert frame["layout"]["title"]["text"] == f"Generation {index}"
        # Rounded to 1/1000 of the axis: at most half a step away, and short.
        assert np.abs(np.array(bar["y"]) - heights[index]).max() <= 0.5 * 1.2 / 1_000 + 1e-12
        assert all(len(repr(v)) <= 6 for v in bar["y"])


def test_the_axes_are_fixed_and_the_slider_has_one_step_a_frame():
    figure, edges, _ = _histogram(frames=40)
    layout = figure.layout
    assert tuple(layout.xaxis.range) == (edges[0], edges[-1])
    assert tuple(layout.yaxis.range) == (0, 1.2)
    assert layout.xaxis.fixedrange and layout.yaxis.fixedrange
    steps = layout.sliders[0].steps
    assert [s.args[0][0] for s in steps] == [str(g) for g in range(40)]
    assert layout.updatemenus[0].buttons[0].args[1]["frame"]["redraw"] is True


def test_a_long_slider_is_named_by_the_frame_title_alone():
    """Past LABELLED_STEPS frames no step is labelled and there is no current-value line
    (plotly.js measured both for every step before the first paint): each frame's title
    names its generation. A short slider labels its steps and its current value."""
    short, _, _ = _histogram(frames=LABELLED_STEPS)
    assert [s.label for s in short.layout.sliders[0].steps] == [
        str(g) for g in range(LABELLED_STEPS)
    ]
    assert short.layout.sliders[0].currentvalue.prefix == "Generation "
    long, _, _ = _histogram(frames=LABELLED_STEPS + 1)
    assert {s.label for s in long.layout.sliders[0].steps} == {""}
    assert long.layout.sliders[0].currentvalue.visible is False
    assert [f.layout.title.text for f in long.frames] == [
        f"Generation {g}" for g in range(LABELLED_STEPS + 1)
    ]
    # The projector's "Generation n / last" and the still pictures' titles still read
    # each frame's generation.
    assert small_multiples.frame_labels(long) == [str(g) for g in range(LABELLED_STEPS + 1)]


# -- the measures ----------------------------------------------------------------------


def _lines(theory: bool) -> MeasureLines:
    g = np.arange(11, dtype=float)
    curve = 100 * 0.9**g
    return MeasureLines(
        median=curve,
        low=0.8 * curve,
        high=1.2 * curve,
        mean=1.05 * curve,
        shown=0.97 * curve,
        theory=curve * 1.01 if theory else None,
        theory_typical=curve * 0.99 if theory else None,
    )


MEASURE_LABELS = {
    "median": "median",
    "band": "band",
    "mean": "mean",
    "shown": "shown",
    "x": "generation",
    "theory": "theory",
    "theory_typical": "typical",
}


def test_a_measure_draws_band_median_mean_and_the_run_shown():
    figure = measure_figure(
        np.arange(11), _lines(False), title="Spread", labels=MEASURE_LABELS, reference=100
    )
    names = [trace.name for trace in figure.data]
    assert names == [None, "band", "median", "mean", "shown"]
    assert figure.data[1].fill == "tonexty"  # the band fills down from the 90 % line
    assert figure.data[3].line.dash == "dash"  # the mean is dashed
    assert figure.layout.shapes[0].y0 == 100
    # Three significant digits reach the browser.
    assert figure.data[2].y[5] == pytest.approx(round(100 * 0.9**5, 1))


def test_theory_curves_appear_only_when_given():
    figure = measure_figure(
        np.arange(11), _lines(True), title="Spread", labels=MEASURE_LABELS, suffix="%"
    )
    assert [trace.name for trace in figure.data][-2:] == ["theory", "typical"]
    assert figure.layout.yaxis.ticksuffix == "%"


# -- the numbers behind the lines --------------------------------------------------------


def test_quantiles_and_mean_over_replicas():
    values = np.tile(np.linspace(0, 1, 11), (3, 1))  # (generations + 1, replicas)
    lines = summary.over_replicas(values)
    assert lines["median"] == pytest.approx([0.5] * 3)
    assert lines["low"] == pytest.approx([0.1] * 3)
    assert lines["high"] == pytest.approx([0.9] * 3)
    assert lines["mean"] == pytest.approx([0.5] * 3)
    rms = summary.spread_over_replicas(values)["mean"]
    assert rms == pytest.approx([np.sqrt(np.mean(np.linspace(0, 1, 11) ** 2))] * 3)


def test_subsampled_lines_keep_both_ends():
    assert summary.subsample(50, 301).tolist() == list(range(50))
    picked = summary.subsample(1_001, 301)
    assert len(picked) == 301 and picked[0] == 0 and picked[-1] == 1_000


def _lab_scenario(**overrides) -> Scenario:
    values = {k: v for k, v in params.defaults("lab").items() if k in Scenario.__dataclass_fields__}
    scenario = Scenario(**{**values, **overrides})
    return replace(scenario, replicas=default_replicas(scenario))


def test_the_view_holds_replica_zero_and_the_lines_over_replicas():
    scenario = _lab_scenario(generations=30, samples=40)
    run = simulate(scenario)
    view = summary.lab_view(run, frame_generations(30))
    assert view.heights.shape == (31, len(run.bin_edges) - 1)
    assert view.heights == pytest.approx(run.histogram_first)
    assert view.frame_spread == pytest.approx(run.spread[:, 0])
    assert view.lines["spread"]["shown"] == pytest.approx(run.spread[:, 0])
    assert view.lines["tails"]["median"] == pytest.approx(np.median(run.tail_mass, axis=1))
    assert view.final_spread == run.spread[-1, 0]
    assert view.final_tail_mass == run.tail_mass[-1, 0]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, True),
        ({"estimator": "unbiased"}, True),
        ({"real_fraction": 0.1}, False),
        ({"regime": "accumulate"}, False),
        ({"temperature": 0.9}, False),
        ({"model": "kde"}, False),
    ],
)
def test_theory_is_drawn_only_where_the_closed_form_holds(overrides, expected):
    assert summary.has_theory(_lab_scenario(**overrides)) is expected


def test_the_mean_line_follows_theory_and_the_median_the_typical_run():
    """Photocopy chain, M = 200, 50 generations, 100 replicas: the root mean square of the
    spread estimates √E[σ²ₙ], the median of log σ²ₙ estimates E[log σ²ₙ]; both within four
    standard errors computed from the replicas themselves. (log σ²ₙ has a standard
    deviation near √(2n/M) = 0.7 here, small enough for the sample mean to behave.)"""
    scenario = _lab_scenario(samples=200, generations=50, seed=7)
    run = simulate(scenario)
    view = summary.lab_view(run, frame_generations(50))
    variance = run.spread[-1] ** 2  # (replicas,)
    replicas = len(variance)
    assert replicas >= 100
    se_mean = variance.std(ddof=1) / np.sqrt(replicas)
    assert abs(view.lines["spread"]["mean"][-1] ** 2 - view.theory_mean[-1] ** 2) < 4 * se_mean
    log_variance = np.log(variance)
    se_median = 1.2533 * log_variance.std(ddof=1) / np.sqrt(replicas)
    typical = 2 * np.log(view.theory_typical[-1])
    assert abs(2 * np.log(view.lines["spread"]["median"][-1]) - typical) < 4 * se_median
    # The typical run sits below the mean (Jensen), as the two theory curves say.
    assert view.theory_typical[-1] < view.theory_mean[-1]


def test_unbiased_theory_keeps_the_mean_while_the_typical_run_shrinks():
    view = summary.lab_view(
        simulate(_lab_scenario(estimator="unbiased", samples=20, generations=60)),
        frame_generations(60),
    )
    assert view.theory_mean == pytest.approx(np.ones_like(view.theory_mean))
    assert view.theory_typical[-1] < 0.5


# -- the sentence ----------------------------------------------------------------------


def test_the_sentence_in_english(english):
    text = summary.sentence(50, 0.31, 0.002)
    assert text == (
        "After 50 generations the spread is 31% of the original and the tails hold 0.2% "
        "of the data instead of 5%."
    )
    assert summary.sentence(1, 0.9, 0.04).startswith("After one generation ")
    # The count takes English's plural rules: one value is "a single value ... is left".
    resample = summary.sentence(1_000, 0.0, 0.0, distinct=1, samples=100)
    assert "After 1,000 generations a single value of the 100 is left" in resample
    resample = summary.sentence(40, 0.2, 0.0, distinct=2, samples=100)
    assert "After 40 generations only 2 of the 100 values are still distinct" in resample


def test_the_sentence_in_french():
    use_language("fr")
    try:
        text = summary.sentence(50, 0.31, 0.002)
    finally:
        use_language("en")
    assert text.startswith("Après 50 générations, la dispersion vaut 31" + NBSP + "%")
    assert "0,2" + NBSP + "%" in text and "5" + NBSP + "%" in text


def test_shares_keep_a_decimal_only_when_needed(english):
    assert summary.share(0.31) == "31%"
    assert summary.share(0.089) == "8.9%"
    assert summary.share(0.0004) == "0.04%"
    assert summary.share(0.0) == "0%"


# -- the presets -----------------------------------------------------------------------


def test_presets_are_complete_valid_registry_values():
    knobs = {k for k in params.PAGE_PARAMS["lab"] if k not in ("lang", "present", "embed")}
    for name in presets.PRESETS:
        values = presets.preset_values(name)  # raises if the registry would change a value
        assert set(values) == knobs, name
        for key in ("label", "help"):
            assert f"lab.preset.{name}.{key}" in catalogue("en")
            assert f"lab.preset.{name}.{key}" in catalogue("fr")


def test_the_stories_come_true():
    ends = {}
    for name in presets.PRESETS:
        scenario = _lab_scenario(**presets.preset_values(name))
        run = simulate(scenario)
        median = np.median(run.spread[-1])
        # The run shown is typical: between the replicas' quartiles.
        low, high = np.quantile(run.spread[-1], [0.25, 0.75])
        assert low <= run.spread[-1, 0] <= high, name
        ends[name] = (median, np.median(run.tail_mass[-1]), np.median(run.distance[-1]))
    assert ends["photocopy"][0] < 0.3  # collapses...
    assert ends["real_data"][0] > 0.7  # ...unless real data stays in the loop
    assert ends["accumulate"][0] > 0.7  # ...or the data accumulate
    assert ends["sharper"][1] < 0.01  # the tails are gone
    assert ends["two_humps"][2] > 0.15  # far from the real shape


# -- the page --------------------------------------------------------------------------


def _lab(lang: str = "en", **query: str) -> AppTest:
    """The laboratory under AppTest, reached through the router like a visitor."""
    use_language(lang)  # AppTest formats widget options in this thread
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page("app_pages/lab.py")  # straight to /lab, as a shared link arrives
    at.run()
    painted(at)  # the browser asks for the rest once the chart has painted
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    return " ".join(str(m.value) for m in (*at.markdown, *at.caption, *at.title))


def _query(at: AppTest) -> dict[str, str]:
    """The address bar's query as plain strings (the last value of a repeated key)."""
    out = {}
    for key in at.query_params:
        value = at.query_params[key]
        out[key] = value if isinstance(value, str) else value[-1]
    return out


def _main_chart(at: AppTest) -> dict:
    chart = next(c for c in at.get("plotly_chart") if c.key == "lab_histogram")
    return json.loads(chart.proto.spec)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_runs_and_says_what_happened(lang):
    try:
        at = _lab(lang, generations="30", seed="4")
        texts = _texts(at)
        assert catalogue(lang)["lab.title"] in texts
        # The sentence is replica 0's last generation, formatted in the page's language.
        scenario = _lab_scenario(generations=30, seed=4)
        run = simulate(scenario)
        expected = summary.sentence(30, run.spread[-1, 0], run.tail_mass[-1, 0])
        assert f"**{expected}**" in [m.value for m in at.markdown]
        assert summary.share(run.spread[-1, 0]) in expected
        if lang == "fr":
            assert NBSP + "%" in expected
        assert len(_main_chart(at)["frames"]) == 31
        assert len(at.get("plotly_chart")) >= 4  # the histogram and three measures
    finally:
        use_language("en")


def test_widgets_are_reached_by_key_and_write_the_url(english):
    at = _lab()
    for key in ("source", "model"):
        assert at.selectbox(key=key).value == params.REGISTRY[key].default
    for key in ("samples", "generations", "real_fraction", "temperature"):
        assert at.select_slider(key=key).value == params.REGISTRY[key].default
    assert at.slider(key="seed").value == params.REGISTRY["seed"].default
    at.select_slider(key="samples").set_value(200).run()
    assert not at.exception
    assert _query(at)["samples"] == "200"
    at.selectbox(key="source").set_value("two_humps").run()
    assert _query(at)["source"] == "two_humps"


def test_a_bad_address_gives_notices_and_safe_values(english):
    # Below the range (the nearest valid value is cheap to run) and not understood.
    at = _lab(samples="3", source="nope")
    assert len(at.info) >= 2
    notices = " ".join(i.body for i in at.info)
    low = params.REGISTRY["samples"].low
    label = t("param.samples.label")
    assert t("notice.out_of_range", name=label, raw="3", value=str(low)) in notices
    assert "“nope”" in notices
    assert at.select_slider(key="samples").value == params.REGISTRY["samples"].low
    assert at.selectbox(key="source").value == "normal"
    assert _query(at)["samples"] == str(params.REGISTRY["samples"].low)
    assert "source" not in _query(at)


def test_a_preset_sets_every_knob(english):
    at = _lab(temperature="0.6", seed="77")
    at.button(key="preset_two_humps").click().run()
    assert not at.exception
    expected = presets.preset_values("two_humps")
    assert at.selectbox(key="source").value == "two_humps"
    assert at.select_slider(key="samples").value == expected["samples"]
    assert at.select_slider(key="temperature").value == 1.0  # the old knob does not linger
    assert at.slider(key="seed").value == expected["seed"]
    assert _query(at) == {"lang": "en", **params.to_query(expected, "lab")}


def test_a_new_seed_changes_the_seed_and_the_address(english):
    at = _lab(seed="5")
    at.button(key="new_seed").click().run()
    assert not at.exception
    seed = at.slider(key="seed").value
    assert seed != 5
    assert _query(at).get("seed", "1") == str(seed)


def test_a_long_mixture_run_is_capped_and_said_so(english):
    """The slowest model asked for 1,000 generations runs the registry's cap instead,
    says so in one line, and writes the cap into the address."""
    cap = params.MAX_GENERATIONS_BY_MODEL["mixture"]
    at = _lab(model="mixture", generations="1000", samples="10")
    notices = " ".join(i.body for i in at.info)
    assert t("notice.model_cap", name=t("param.generations.label"), value=str(cap)) in notices
    assert at.select_slider(key="generations").value == cap
    assert _query(at)["generations"] == str(cap)
    frames = _main_chart(at)["frames"]
    assert len(frames) == MAX_FRAMES and frames[-1]["name"] == str(cap)  # evenly skipped


def _place(block, key: str, path: tuple[int, ...] = ()) -> tuple[int, ...] | None:
    """Where the element ``key`` sits in the page: its index in each enclosing block."""
    for index, child in getattr(block, "children", {}).items():
        if getattr(child, "key", None) == key:
            return (*path, index)
        found = _place(child, key, (*path, index))
        if found is not None:
            return found
    return None


def test_a_first_view_sends_the_chart_first_and_the_rest_when_asked(english):
    """The first run sends the title, the histogram and its sentence, and the hidden
    button the browser's player clicks once the chart has painted; the second run brings
    the knobs, the presets, the notes and downloads, the measures, the share panel and the
    way through, with the same histogram (tests/browser/test_lab.py checks the browser)."""
    use_language("en")
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update({"lang": "en", "generations": "12", "seed": "27183"})
    at.switch_page("app_pages/lab.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    first = _main_chart(at)
    # a scenario no other test runs: this first run computes it, with a progress bar
    first_place = _place(at.main, "lab_histogram")
    assert {c.key for c in at.get("plotly_chart")} == {"lab_histogram"}
    assert [b.key for b in at.button] == ["sections_later_lab_go"]
    assert not at.select_slider and not at.selectbox and not at.get("popover")
    assert _query(at) == {"lang": "en", "generations": "12", "seed": "27183"}

    at.button(key="sections_later_lab_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _main_chart(at) == first
    # where the bar was, the chart is: the browser keeps a chart that has not moved
    assert _place(at.main, "lab_histogram") == first_place
    assert {c.key for c in at.get("plotly_chart")} == {
        "lab_histogram",
        "lab_spread",
        "lab_tails",
        "lab_distance",
    }
    assert at.select_slider(key="generations").value == 12 and at.slider(key="seed").value == 27183
    assert len([b for b in at.button if str(b.key).startswith("preset_")]) == len(presets.PRESETS)
    assert at.get("popover") and "sections_later_lab_go" not in [b.key for b in at.button]
    # Whole once, whole after: a knob turned reruns the whole page.
    at.select_slider(key="generations").set_value(13).run()
    assert len(_main_chart(at)["frames"]) == 14 and at.select_slider(key="samples")
    assert _query(at)["generations"] == "13"


def test_the_classroom_view_keeps_the_chart_and_drops_the_rest(english):
    at = _lab(present="1", generations="12")
    keys = {chart.key for chart in at.get("plotly_chart")}
    assert "lab_histogram" in keys and not keys & {"lab_spread", "lab_tails", "lab_distance"}
    assert not [b for b in at.button if str(b.key).startswith("preset_")]
    assert _query(at)["present"] == "1" and _query(at)["generations"] == "12"
    assert at.select_slider(key="generations").value == 12  # the knobs live on, hidden
