"""The one registry of every parameter a visitor can set: type, range, default, URL key.

Widgets, the URL and validation all derive from it (like TensorFlow Playground's
``State.PROPS``). A parameter's name is its URL key, its widget key and its name in code.
Pages read different subsets, and a page may narrow a range or change a default
(``PAGE_PARAMS``). ``parse`` turns a raw query string into valid values and never raises.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

MAX_RAW_LENGTH = 64  # longer raw values are not even looked at


@dataclass(frozen=True)
class Notice:
    """A raw URL value that was replaced. ``reason`` names a ``notice.<reason>`` string."""

    key: str
    raw: str
    value: Any
    reason: str


@dataclass(frozen=True)
class Choice:
    key: str
    options: tuple[str, ...]
    default: str

    def coerce(self, raw: str) -> tuple[Any, str | None]:
        value = raw.strip().lower()
        if value in self.options:
            return value, None
        return self.default, "unknown_choice"


@dataclass(frozen=True)
class Number:
    """An integer or a float in [low, high]; ``step`` is the widget's step.

    An ``optional`` number may also be absent: its default is None (the URL does not
    carry it), and an empty value, ``none`` or ``auto`` give None back.
    """

    key: str
    low: float
    high: float
    default: float | None
    step: float
    integer: bool = False
    optional: bool = False

    def clamp(self, value: float) -> float:
        value = min(max(value, self.low), self.high)
        return round(value) if self.integer else float(value)

    def coerce(self, raw: str) -> tuple[Any, str | None]:
        if self.optional and raw.strip().lower() in ("", "none", "auto"):
            return None, None
        text = raw.strip().replace(",", ".").rstrip("%")
        try:
            value = float(text)
        except ValueError:
            return self.default, "not_a_number"
        if math.isnan(value):
            return self.default, "not_a_number"
        if raw.strip().endswith("%"):
            value /= 100
        clamped = self.clamp(value)
        if clamped != value:
            return clamped, "out_of_range"
        return clamped, None


@dataclass(frozen=True)
class Flag:
    """An on/off switch that is on when the URL says ``1`` or ``true``."""

    key: str
    default: bool = False

    def coerce(self, raw: str) -> tuple[Any, str | None]:
        value = raw.strip().lower()
        if value in ("1", "true", "yes", "on"):
            return True, None
        if value in ("0", "false", "no", "off", ""):
            return False, None
        return self.default, "unknown_choice"


Param = Choice | Number | Flag

SOURCES = ("normal", "two_humps", "heavy_tails", "skewed", "uniform")
MODELS = ("gaussian", "kde", "mixture", "resample")

# Every parameter of URLS.md, with its widest range.
REGISTRY: dict[str, Param] = {
    p.key: p
    for p in (
        Choice("lang", ("en", "fr"), "en"),
        Choice("source", SOURCES, "normal"),
        Choice("model", MODELS, "gaussian"),
        Choice("estimator", ("mle", "unbiased"), "mle"),
        Number("samples", 10, 10_000, 100, 10, integer=True),
        Number("generations", 1, 1_000, 100, 1, integer=True),
        Number("real_fraction", 0.0, 1.0, 0.0, 0.05),
        Choice("regime", ("replace", "accumulate"), "replace"),
        Number("temperature", 0.5, 1.0, 1.0, 0.05),
        Number("seed", 0, 999_999, 1, 1, integer=True),
        # The remedies (issue 15): the real data's total weight in the fit (absent: by
        # count) and how strongly people keep the typical synthetic outputs.
        Number("real_weight", 0.0, 1.0, None, 0.01, optional=True),
        Number("curation", 0.0, 2.0, 0.0, 0.05),
        Flag("present"),
        Flag("embed"),
        # The mould (picture) and the digits have knobs of their own.
        Number("points", 1_000, 100_000, 20_000, 1_000, integer=True),
        Number("coarseness", 0.5, 4.0, 1.0, 0.25),
        Number("components", 1, 20, 10, 1, integer=True),
    )
}

# What each page reads, and where its range or default differs from the registry's.
_VIEW = ("lang", "present", "embed")
PAGE_PARAMS: dict[str, dict[str, Param]] = {
    "story": {
        "source": REGISTRY["source"],
        # Few samples a generation: the collapse shows within the hero's 30 generations.
        "samples": replace(REGISTRY["samples"], default=20, high=1_000),
        "generations": replace(REGISTRY["generations"], high=60, default=30),
        "real_fraction": REGISTRY["real_fraction"],
        "seed": REGISTRY["seed"],
    },
    "lab": {
        key: REGISTRY[key]
        for key in (
            "source",
            "model",
            "estimator",
            "samples",
            "generations",
            "real_fraction",
            "regime",
            "temperature",
            "seed",
            "real_weight",
            "curation",
        )
    },
    "mould": {
        "points": REGISTRY["points"],
        "coarseness": REGISTRY["coarseness"],
        "generations": replace(REGISTRY["generations"], high=60, default=30),
        "real_fraction": REGISTRY["real_fraction"],
        "seed": REGISTRY["seed"],
    },
    "words": {
        "samples": replace(
            REGISTRY["samples"], low=1_000, high=100_000, default=10_000, step=1_000
        ),
        "generations": replace(REGISTRY["generations"], high=300, default=100),
        "real_fraction": REGISTRY["real_fraction"],
        "regime": REGISTRY["regime"],
        "temperature": REGISTRY["temperature"],
        "seed": REGISTRY["seed"],
    },
    "digits": {
        "components": REGISTRY["components"],
        # bench/digits.py: the largest run (20 components, 500 samples, 30 generations,
        # accumulate) stays under 10 s on 2 cores with the page's 3 replicas.
        "samples": replace(REGISTRY["samples"], low=100, high=500, default=300, step=50),
        "generations": replace(REGISTRY["generations"], high=30, default=20),
        "real_fraction": REGISTRY["real_fraction"],
        "regime": REGISTRY["regime"],
        "seed": REGISTRY["seed"],
    },
    "readers": {},
    # Each key sets one section's control (lib.remedies.URL_CONTROLS), within the span of
    # the choices that control offers (a value between two choices takes the nearest).
    "remedies": {
        "real_fraction": replace(REGISTRY["real_fraction"], low=0.05, high=0.5, default=0.1),
        "samples": replace(REGISTRY["samples"], low=10, high=1_000_000_000, default=100),
        "curation": replace(REGISTRY["curation"], low=0.1, high=1.0, default=0.5),
    },
    "maths": {
        "estimator": REGISTRY["estimator"],
        "samples": replace(REGISTRY["samples"], high=1_000, default=50),
        "generations": replace(REGISTRY["generations"], high=200, default=50),
    },
}
for _page in PAGE_PARAMS.values():
    _page.update({key: REGISTRY[key] for key in _VIEW})

# The heavy models are capped so that the largest run stays within its time budget.
MAX_GENERATIONS_BY_MODEL = {"gaussian": 1_000, "resample": 1_000, "kde": 1_000, "mixture": 200}
# In the accumulate regime these models keep (and refit on) every generation's data, so
# generations × samples is capped too: memory for kde and resample, EM time for mixture
# (bench/engine.py: a 25,000-value mixture pool took 8 to 10 CPU seconds, 10,000 about 4).
MAX_POOL_BY_MODEL = {"resample": 2_000_000, "kde": 2_000_000, "mixture": 10_000}
# Curated, these two tilt every value of their pool each generation: about
# samples × generations²/2 values over a run (bench/engine.py: some 25 ns each, and a few
# temporaries the size of a replica's pool), so that work is capped too.
MAX_CURATED_POOL_WORK = {"resample": 5e7, "kde": 5e7}


def defaults(page: str) -> dict[str, Any]:
    return {key: param.default for key, param in PAGE_PARAMS[page].items()}


def _as_list(raw: str | Sequence[str]) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    return [str(item) for item in raw]


# Why a real-data weight cannot apply (lib.engine.weight_problem) -> its notice's reason.
WEIGHT_NOTICES = {"model": "weight_model", "regime": "weight_regime", "mix": "weight_mix"}


def weight_reason(values: Mapping[str, Any]) -> str | None:
    """The notice reason when ``values["real_weight"]`` cannot apply with the other
    values (a mixture, the accumulate regime, all-real or all-synthetic data), else None.
    Keys the page does not read take the registry's defaults."""
    if values.get("real_weight") is None:
        return None

    def get(key):
        return values.get(key, REGISTRY[key].default)

    n_real = round(get("real_fraction") * get("samples"))
    if get("model") == "mixture":
        return WEIGHT_NOTICES["model"]
    if get("regime") != "replace":
        return WEIGHT_NOTICES["regime"]
    if not 0 < n_real < get("samples"):
        return WEIGHT_NOTICES["mix"]
    return None


def _apply_constraints(page: str, values: dict[str, Any], notices: list[Notice]) -> None:
    """Rules that tie parameters together."""
    reason = weight_reason(values)
    if reason is not None:  # the engine would refuse it: weigh by count instead
        notices.append(Notice("real_weight", str(values["real_weight"]), None, reason))
        values["real_weight"] = None
    if "model" in values and "generations" in values:
        cap = MAX_GENERATIONS_BY_MODEL[values["model"]]
        pool = MAX_POOL_BY_MODEL.get(values["model"])
        if pool and values.get("regime") == "accumulate" and "samples" in values:
            cap = min(cap, max(1, pool // values["samples"]))
            work = MAX_CURATED_POOL_WORK.get(values["model"])
            if work and values.get("curation", 0) > 0:
                cap = min(cap, max(1, math.isqrt(int(2 * work / values["samples"]))))
        if values["generations"] > cap:
            notices.append(Notice("generations", str(values["generations"]), cap, "model_cap"))
            values["generations"] = cap


def parse(raw_query: Mapping[str, str | Sequence[str]], page: str = "lab"):
    """Valid parameters for ``page`` from a raw query string, and what was replaced.

    Returns ``(values, notices)``: every parameter the page reads, with its default where
    the URL is silent, and one ``Notice`` per value that was not understood or out of
    range. Unknown keys are ignored (embed snippets may carry tracking keys). Never raises.
    """
    spec = PAGE_PARAMS.get(page, PAGE_PARAMS["readers"])
    values = {key: param.default for key, param in spec.items()}
    notices: list[Notice] = []
    for key, raw in raw_query.items():
        param = spec.get(key)
        if param is None:
            continue
        candidates = _as_list(raw)
        if not candidates:
            continue
        text = candidates[-1]
        if len(text) > MAX_RAW_LENGTH:
            reason = "unset" if param.default is None else "too_long"
            notices.append(Notice(key, text[:MAX_RAW_LENGTH] + "…", param.default, reason))
            continue
        value, reason = param.coerce(text)
        values[key] = value
        if reason is not None:
            # An optional number falls back to "unset", which no "using {value}" can say.
            notices.append(Notice(key, text, value, "unset" if value is None else reason))
    _apply_constraints(page, values, notices)
    return values, notices


def to_query(values: Mapping[str, Any], page: str = "lab") -> dict[str, str]:
    """The URL form of ``values``: only what differs from the page's defaults."""
    spec = PAGE_PARAMS.get(page, {})
    query: dict[str, str] = {}
    for key, value in values.items():
        param = spec.get(key)
        if param is None or value == param.default:
            continue
        if isinstance(param, Flag):
            query[key] = "1" if value else "0"
        elif isinstance(param, Number) and param.integer:
            query[key] = str(int(value))
        elif isinstance(param, Number):
            query[key] = f"{float(value):g}"
        else:
            query[key] = str(value)
    return query
