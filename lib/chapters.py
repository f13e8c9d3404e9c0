"""The Story's pacing and chapters: data, not page code.

``hero_frames`` chooses which generations the hero shows; ``CHAPTERS`` is the list of
``lib.sections.Section`` specs the Story draws under it, each a short text, one small live
figure from the project's own engines (``lib.words``, ``lib.digits``, ``lib.engine``,
``lib.theory``) and a link to the page and settings that go deeper. Pure Python: no
streamlit.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lib import digits, theory, words
from lib.engine import Run, Scenario, simulate
from lib.figures.theme import PALETTE
from lib.i18n import current_language, fmt_int, fmt_percent, plotly_separators, t
from lib.sections import Link, Section

# The hero's picture: many points and a fine mould, so the medal stays recognisable for
# the first third of the frames and fades frame after frame (the Mould page's own
# defaults blur it to a blob within six generations). HERO_FRAMES generations at most
# are shown, spaced where the picture changes (``hero_frames``).
HERO_POINTS = 100_000
HERO_COARSENESS = 0.75
HERO_FRAMES = 16


def hero_frames(expected_detail: np.ndarray, count: int) -> np.ndarray:
    """At most ``count`` generations to show, spaced where the picture changes: equal
    steps of the expected share of detail kept, from generation 0 to the last.

    ``expected_detail`` is ``(generations + 1,)``, falling from 1 (``mould.expected_detail``).
    Early generations lose detail fastest, so they are shown one by one and later ones
    further apart (the histogram keeps narrowing in between). Returns increasing
    generations, 0 and the last included.
    """
    detail = np.asarray(expected_detail, dtype=float)
    last = detail.size - 1
    if last + 1 <= count:
        return np.arange(last + 1)
    levels = np.linspace(detail[0], detail[-1], count)
    # the first generation whose expected detail is at or under each level
    chosen = np.searchsorted(-detail, -levels, side="left")
    chosen = np.unique(np.clip(chosen, 0, last))
    # Where the curve falls faster than the levels, two levels land on one generation:
    # fill up with the generations in the widest gaps, so no frame is wasted.
    while chosen.size < count:
        gaps = np.diff(chosen)
        widest = int(np.argmax(gaps))
        if gaps[widest] < 2:
            break
        chosen = np.sort(np.append(chosen, chosen[widest] + gaps[widest] // 2))
    return chosen


# -- the chapters ----------------------------------------------------------------------
# Each ``compute`` runs an engine with fixed settings and a fixed seed (cached by the
# renderer, once a server); each ``figure`` reads its labels from the catalogue.

RARE_SAMPLES, RARE_GENERATIONS = 10_000, 100  # the Words page's own defaults
RARE_FRAMES = (0, 1, 2, 3, 5, 8, 12, 18, 26, 38, 55, 75, 100)
DIGITS_FRAMES = (0, 2, 4, 7, 10, 14, 20)
DIGITS_SHOWN = 20  # drawings on the sheet: two rows of ten
UNBIASED_SAMPLES, UNBIASED_GENERATIONS, UNBIASED_REPLICAS = 50, 50, 2_000
STOPS_SAMPLES, STOPS_GENERATIONS, STOPS_REPLICAS, STOPS_REAL = 20, 60, 1_000, 0.2
DRIFT_SAMPLES, DRIFT_GENERATIONS, DRIFT_REPLICAS = 30, 120, 400
LAW_SAMPLES, LAW_GENERATIONS, LAW_REPLICAS = 50, 50, 4_000  # the Maths page's M and n
LINE_FRAMES = 13  # frames of a line that draws itself
SEED = 1


def line_steps(generations: int, count: int = LINE_FRAMES) -> list[int]:
    """The generations at which a self-drawing line's frames stop, evenly spread."""
    return sorted({round(k * generations / (count - 1)) for k in range(count)})


def _labels(x_axis: str, y_axis: str):
    from lib.figures.chapters import Labels

    return Labels(
        x_axis=t(x_axis),
        y_axis=t(y_axis),
        slider_prefix=t("story.slider_prefix"),
        play=t("story.play"),
        pause=t("story.pause"),
        separators=plotly_separators(),
    )


def _engine(**settings) -> Run:
    return simulate(Scenario(seed=SEED, **settings))


# 1. The rare goes first: words.


def rare_compute() -> dict:
    out: dict = {}
    for language in words.LANGUAGES:
        run = words.simulate(
            words.WordsScenario(
                language=language,
                samples=RARE_SAMPLES,
                generations=RARE_GENERATIONS,
                seed=SEED,
            )
        )
        out[language] = {
            "ranks": run.ranks,
            "real_curve": run.real_curve,
            "model_curves": run.model_curve[list(RARE_FRAMES)],  # (frames, ranks)
            "alive": run.alive[:, 0],  # (generations + 1,)
            "last_text": run.words[run.bags[-1]],  # (BAG_SIZE,) words of the last text
        }
    return out


def rare_figure(data: dict) -> go.Figure:
    from lib.figures.chapters import rank_frequency_figure

    run = data[current_language()]
    return rank_frequency_figure(
        run["ranks"],
        run["real_curve"],
        run["model_curves"],
        RARE_FRAMES,
        _labels("story.chapter.rare.x_axis", "story.chapter.rare.y_axis"),
        real_name=t("story.chapter.rare.real_name"),
        model_name=t("story.chapter.rare.model_name"),
        hover=t("story.chapter.rare.hover"),
    )


def rare_summary(data: dict) -> str:
    alive = data[current_language()]["alive"]
    return t(
        "story.chapter.rare.summary",
        generations=fmt_int(RARE_GENERATIONS),
        alive=fmt_int(alive[-1]),
        vocabulary=fmt_int(alive[0]),
    )


def rare_caption(data: dict) -> str:
    text = " ".join(str(word) for word in data[current_language()]["last_text"])
    return t("story.chapter.rare.caption", generations=fmt_int(RARE_GENERATIONS), text=text)


# 2. The spread: digits.


def spread_compute() -> dict:
    scenario = digits.DigitsScenario()  # the Digits page's defaults, stored ahead of time
    run = digits.precomputed(scenario) or digits.simulate(scenario)
    return {
        "sheets": run.gallery[list(DIGITS_FRAMES), :DIGITS_SHOWN],  # (frames, shown, 8, 8)
        "recognised": run.recognised[:, 0],  # (generations + 1,) the run drawn
        "generations": scenario.generations,
    }


def spread_figure(data: dict) -> go.Figure:
    from lib.figures.chapters import drawings_figure
    from lib.figures.digits import mosaic, png_data_uri

    sheets = [mosaic(sheet) for sheet in data["sheets"]]
    height, width = sheets[0].shape
    return drawings_figure(
        [png_data_uri(sheet, upscale=1) for sheet in sheets],
        width,
        height,
        DIGITS_FRAMES,
        _labels("story.generation_axis", "story.generation_axis"),
    )


def spread_summary(data: dict) -> str:
    recognised = data["recognised"]
    return t(
        "story.chapter.spread.summary",
        generations=fmt_int(data["generations"]),
        first=fmt_percent(recognised[0]),
        last=fmt_percent(recognised[-1]),
    )


# 3. Not a bug in one model: the unbiased copier.


def unbiased_compute() -> dict:
    settings = {
        "samples": UNBIASED_SAMPLES,
        "generations": UNBIASED_GENERATIONS,
        "replicas": UNBIASED_REPLICAS,
    }
    fair = _engine(estimator="unbiased", **settings).model_std ** 2  # (generations + 1, replicas)
    mle = _engine(estimator="mle", **settings).model_std ** 2
    n = np.arange(UNBIASED_GENERATIONS + 1)
    return {
        "average": fair.mean(axis=1),
        "typical": np.median(fair, axis=1),
        "typical_mle": np.median(mle, axis=1),
        "law_typical": np.exp(theory.unbiased_log_variance(n, UNBIASED_SAMPLES)),
        "law_typical_mle": np.exp(theory.mle_log_variance(n, UNBIASED_SAMPLES)),
    }


def unbiased_figure(data: dict) -> go.Figure:
    from lib.figures.chapters import Line, lines_figure

    hover = t("story.chapter.variance_hover")
    lines = [
        Line(data["average"], t("story.chapter.unbiased.average"), PALETTE["orange"], hover=hover),
        Line(data["typical"], t("story.chapter.unbiased.typical"), PALETTE["blue"], hover=hover),
        Line(data["typical_mle"], t("story.chapter.unbiased.typical_mle"), PALETTE["sky"], "dot"),
    ]
    return lines_figure(
        np.arange(UNBIASED_GENERATIONS + 1),
        lines,
        line_steps(UNBIASED_GENERATIONS),
        _labels("story.generation_axis", "story.chapter.variance_axis"),
        y_range=(0, 1.5),
    )


def unbiased_summary(data: dict) -> str:
    return t(
        "story.chapter.unbiased.summary",
        generations=fmt_int(UNBIASED_GENERATIONS),
        samples=fmt_int(UNBIASED_SAMPLES),
        replicas=fmt_int(UNBIASED_REPLICAS),
        average=fmt_percent(data["average"][-1]),
        typical=fmt_percent(data["typical"][-1]),
        law=fmt_percent(data["law_typical"][-1]),
        typical_mle=fmt_percent(data["typical_mle"][-1]),
        law_mle=fmt_percent(data["law_typical_mle"][-1]),
    )


# 4. What stops it: fresh real data, accumulated data.


def stops_compute() -> dict:
    settings = {
        "samples": STOPS_SAMPLES,
        "generations": STOPS_GENERATIONS,
        "replicas": STOPS_REPLICAS,
    }
    runs = {
        "replace": _engine(**settings),
        "fresh": _engine(real_fraction=STOPS_REAL, **settings),
        "accumulate": _engine(regime="accumulate", **settings),
    }
    return {name: np.median(run.model_std**2, axis=1) for name, run in runs.items()}


def stops_figure(data: dict) -> go.Figure:
    from lib.figures.chapters import Line, lines_figure

    hover = t("story.chapter.variance_hover")
    share = fmt_percent(STOPS_REAL)
    lines = [
        Line(data["replace"], t("story.chapter.stops.replace"), PALETTE["blue"], hover=hover),
        Line(
            data["fresh"],
            t("story.chapter.stops.fresh", share=share),
            PALETTE["green"],
            hover=hover,
        ),
        Line(
            data["accumulate"],
            t("story.chapter.stops.accumulate"),
            PALETTE["orange"],
            "dash",
            hover=hover,
        ),
    ]
    return lines_figure(
        np.arange(STOPS_GENERATIONS + 1),
        lines,
        line_steps(STOPS_GENERATIONS),
        _labels("story.generation_axis", "story.chapter.variance_axis"),
        y_range=(0, 1.2),
    )


def stops_summary(data: dict) -> str:
    return t(
        "story.chapter.stops.summary",
        generations=fmt_int(STOPS_GENERATIONS),
        samples=fmt_int(STOPS_SAMPLES),
        replace=fmt_percent(data["replace"][-1], 1),  # a few tenths of a percent
        share=fmt_percent(STOPS_REAL),
        fresh=fmt_percent(data["fresh"][-1]),
        accumulate=fmt_percent(data["accumulate"][-1]),
    )


# 5. What readers said: "that is inbreeding" is exactly right for a resampling model.


def readers_compute() -> dict:
    run = _engine(
        model="resample",
        samples=DRIFT_SAMPLES,
        generations=DRIFT_GENERATIONS,
        replicas=DRIFT_REPLICAS,
    )
    distinct = run.distinct_values  # (generations + 1, replicas)
    return {
        "typical": np.median(distinct, axis=1),
        "one_run": distinct[:, 0].astype(float),
        "fixed": float(np.mean(distinct[-1] == 1)),
    }


def readers_figure(data: dict) -> go.Figure:
    from lib.figures.chapters import Line, lines_figure

    hover = t("story.chapter.readers.hover")
    lines = [
        Line(data["typical"], t("story.chapter.readers.typical"), PALETTE["blue"], hover=hover),
        Line(data["one_run"], t("story.chapter.readers.one_run"), PALETTE["sky"], "dot"),
    ]
    return lines_figure(
        np.arange(DRIFT_GENERATIONS + 1),
        lines,
        line_steps(DRIFT_GENERATIONS),
        _labels("story.generation_axis", "story.chapter.readers.y_axis"),
        y_range=(0, DRIFT_SAMPLES * 1.05),
    )


def readers_summary(data: dict) -> str:
    return t(
        "story.chapter.readers.summary",
        samples=fmt_int(DRIFT_SAMPLES),
        generations=fmt_int(DRIFT_GENERATIONS),
        fixed=fmt_percent(data["fixed"]),
        law=fmt_int(round(float(theory.generations_to_fixation(DRIFT_SAMPLES)))),
    )


# 6. The law in one line.


def law_compute() -> dict:
    run = _engine(samples=LAW_SAMPLES, generations=LAW_GENERATIONS, replicas=LAW_REPLICAS)
    n = np.arange(LAW_GENERATIONS + 1)
    return {
        "average": (run.model_std**2).mean(axis=1),
        "law": theory.mle_variance(n, LAW_SAMPLES),
    }


def law_figure(data: dict) -> go.Figure:
    from lib.figures.chapters import Line, lines_figure

    hover = t("story.chapter.variance_hover")
    lines = [
        Line(data["average"], t("story.chapter.law.simulated"), PALETTE["blue"], hover=hover),
        Line(data["law"], t("story.chapter.law.law"), PALETTE["vermillion"], "dash", hover=hover),
    ]
    return lines_figure(
        np.arange(LAW_GENERATIONS + 1),
        lines,
        line_steps(LAW_GENERATIONS),
        _labels("story.generation_axis", "story.chapter.variance_axis"),
        y_range=(0, 1.1),
    )


def law_summary(data: dict) -> str:
    return t(
        "story.chapter.law.summary",
        generations=fmt_int(LAW_GENERATIONS),
        samples=fmt_int(LAW_SAMPLES),
        replicas=fmt_int(LAW_REPLICAS),
        average=fmt_percent(data["average"][-1]),
        law=fmt_percent(data["law"][-1]),
    )


CHAPTERS: tuple[Section, ...] = (
    Section(
        name="rare",
        heading_key="story.chapter.rare.heading",
        text_keys=("story.chapter.rare.text",),
        compute=rare_compute,
        figure=rare_figure,
        summary=rare_summary,
        caption=rare_caption,
        link=Link("words", "story.chapter.rare.link", {"generations": RARE_GENERATIONS}),
        autoplay=True,
        stills=4,
    ),
    Section(
        name="spread",
        heading_key="story.chapter.spread.heading",
        text_keys=("story.chapter.spread.text",),
        compute=spread_compute,
        figure=spread_figure,
        summary=spread_summary,
        link=Link("digits", "story.chapter.spread.link", {"generations": 20}),
        autoplay=True,
        stills=4,
    ),
    Section(
        name="unbiased",
        heading_key="story.chapter.unbiased.heading",
        text_keys=("story.chapter.unbiased.text",),
        compute=unbiased_compute,
        figure=unbiased_figure,
        summary=unbiased_summary,
        link=Link(
            "lab",
            "story.chapter.unbiased.link",
            {
                "model": "gaussian",
                "estimator": "unbiased",
                "samples": UNBIASED_SAMPLES,
                "generations": UNBIASED_GENERATIONS,
            },
        ),
        autoplay=True,
        stills=4,
    ),
    Section(
        name="stops",
        heading_key="story.chapter.stops.heading",
        text_keys=("story.chapter.stops.text",),
        compute=stops_compute,
        figure=stops_figure,
        summary=stops_summary,
        link=Link("remedies", "story.chapter.stops.link"),
        autoplay=True,
        stills=4,
    ),
    Section(
        name="readers",
        heading_key="story.chapter.readers.heading",
        text_keys=("story.chapter.readers.text",),
        compute=readers_compute,
        figure=readers_figure,
        summary=readers_summary,
        link=Link("readers", "story.chapter.readers.link"),
        autoplay=True,
        stills=4,
    ),
    Section(
        name="law",
        heading_key="story.chapter.law.heading",
        text_keys=("story.chapter.law.text",),
        compute=law_compute,
        figure=law_figure,
        summary=law_summary,
        link=Link(
            "maths",
            "story.chapter.law.link",
            {"estimator": "mle", "samples": LAW_SAMPLES, "generations": LAW_GENERATIONS},
        ),
        autoplay=True,
        stills=4,
    ),
)
