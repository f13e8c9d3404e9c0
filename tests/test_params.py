"""The registry: every page's values are valid whatever the URL says, and never raise."""

import itertools
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import params
from lib.i18n import catalogue
from tests.conftest import painted

PAGES = sorted(params.PAGE_PARAMS)
APP = Path(__file__).resolve().parent.parent / "app.py"


def _is_valid(param, value) -> bool:
    if isinstance(param, params.Choice):
        return value in param.options
    if isinstance(param, params.Flag):
        return isinstance(value, bool)
    if value is None:
        return param.optional
    if param.integer and not isinstance(value, int):
        return False
    return param.low <= value <= param.high and not math.isnan(value)


@pytest.mark.parametrize("page", PAGES)
def test_an_empty_query_gives_the_defaults(page):
    values, notices = params.parse({}, page)
    assert values == params.defaults(page)
    assert notices == []


@pytest.mark.parametrize("page", PAGES)
def test_defaults_are_valid_and_round_trip_through_the_url(page):
    for key, param in params.PAGE_PARAMS[page].items():
        assert _is_valid(param, param.default), key
    values, notices = params.parse(params.to_query(params.defaults(page), page), page)
    assert values == params.defaults(page) and notices == []


def test_good_values_are_kept_and_serialised_back():
    query = {"source": "two_humps", "samples": "250", "real_fraction": "0.1", "seed": "7"}
    values, notices = params.parse(query, "lab")
    assert notices == []
    assert values["source"] == "two_humps" and values["samples"] == 250
    assert values["real_fraction"] == pytest.approx(0.1)
    assert params.to_query(values, "lab") == query


@pytest.mark.parametrize(
    ("key", "raw", "expected", "reason"),
    [
        ("samples", "5000000", 10_000, "out_of_range"),
        ("samples", "-3", 10, "out_of_range"),
        ("samples", "abc", 100, "not_a_number"),
        ("samples", "nan", 100, "not_a_number"),
        ("samples", "inf", 10_000, "out_of_range"),
        ("real_fraction", "10%", 0.1, None),
        ("real_fraction", "0,25", 0.25, None),
        ("source", "<script>alert(1)</script>", "normal", "unknown_choice"),
        ("regime", "ACCUMULATE", "accumulate", None),
        ("seed", "9" * 500, 1, "too_long"),
    ],
)
def test_bad_values_become_the_nearest_valid_one_with_a_notice(key, raw, expected, reason):
    values, notices = params.parse({key: raw}, "lab")
    assert values[key] == pytest.approx(expected)
    assert [n.reason for n in notices] == ([reason] if reason else [])


def test_repeated_keys_take_the_last_value_and_unknown_keys_are_ignored():
    values, notices = params.parse({"samples": ["20", "30"], "utm_source": "x"}, "lab")
    assert values["samples"] == 30 and notices == []


def test_slow_models_are_capped():
    values, notices = params.parse({"model": "mixture", "generations": "1000"}, "lab")
    assert values["generations"] == params.MAX_GENERATIONS_BY_MODEL["mixture"]
    assert [n.reason for n in notices] == ["model_cap"]


def test_accumulate_caps_the_pool_of_models_that_keep_it():
    query = {"model": "kde", "regime": "accumulate", "samples": "10000", "generations": "1000"}
    values, notices = params.parse(query, "lab")
    assert values["generations"] * values["samples"] <= params.MAX_POOL_BY_MODEL["kde"]
    assert [n.reason for n in notices] == ["model_cap"]
    values, notices = params.parse({**query, "model": "gaussian"}, "lab")
    assert values["generations"] == 1000 and notices == []


def test_every_parameter_and_option_has_words_in_the_catalogue():
    english = catalogue("en")
    for key, param in params.REGISTRY.items():
        assert f"param.{key}.label" in english
        for option in getattr(param, "options", ()):
            assert f"param.{key}.options.{option}" in english


def test_every_notice_reason_has_a_sentence():
    reasons = {"not_a_number", "out_of_range", "unknown_choice", "too_long", "model_cap"}
    reasons |= {"unset", *params.WEIGHT_NOTICES.values()}
    assert all(f"notice.{reason}" in catalogue("en") for reason in reasons)


raw_values = st.one_of(
    st.text(max_size=80),
    st.lists(st.text(max_size=20), max_size=4),
    st.sampled_from(["nan", "-inf", "1e308", "1e-308", "-0", "0x10", "1_000", "٣", "½"]),
)


@settings(max_examples=400, deadline=None)
@given(
    page=st.sampled_from(PAGES),
    query=st.dictionaries(
        st.one_of(st.sampled_from(sorted(params.REGISTRY)), st.text(max_size=10)),
        raw_values,
        max_size=8,
    ),
)
def test_parse_never_raises_and_always_returns_valid_values(page, query):
    values, notices = params.parse(query, page)
    spec = params.PAGE_PARAMS[page]
    assert set(values) == set(spec)
    for key, value in values.items():
        assert _is_valid(spec[key], value), (key, value)
    for notice in notices:
        assert f"notice.{notice.reason}" in catalogue("en")


# -- the remedies' parameters -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "weight", "reasons"),
    [
        ({"real_weight": "0.7", "real_fraction": "0.2"}, 0.7, []),
        ({"real_weight": "70%", "real_fraction": "0.2"}, 0.7, []),
        ({"real_weight": "", "real_fraction": "0.2"}, None, []),
        ({"real_weight": "auto", "real_fraction": "0.2"}, None, []),
        ({"real_weight": "1.5", "real_fraction": "0.2"}, 1.0, ["out_of_range"]),
        ({"real_weight": "abc", "real_fraction": "0.2"}, None, ["unset"]),
        ({"real_weight": "9" * 100, "real_fraction": "0.2"}, None, ["unset"]),
        ({"real_weight": "0.7"}, None, ["weight_mix"]),  # all synthetic: nothing to weigh
        ({"real_weight": "0.7", "real_fraction": "1"}, None, ["weight_mix"]),
        ({"real_weight": "0.7", "real_fraction": "0.001"}, None, ["weight_mix"]),  # 0 points
        (
            {"real_weight": "0.7", "real_fraction": "0.2", "model": "mixture"},
            None,
            ["weight_model"],
        ),
        (
            {"real_weight": "0.7", "real_fraction": "0.2", "regime": "accumulate"},
            None,
            ["weight_regime"],
        ),
    ],
)
def test_the_real_data_weight_is_kept_only_where_the_engine_takes_it(query, weight, reasons):
    values, notices = params.parse(query, "lab")
    assert values["real_weight"] == (None if weight is None else pytest.approx(weight))
    assert [n.reason for n in notices] == reasons
    assert all(n.key == "real_weight" for n in notices)


def test_curation_is_clamped_to_zero_to_two():
    for raw, expected, reasons in (
        ("0.5", 0.5, []),
        ("7", 2.0, ["out_of_range"]),
        ("-1", 0.0, ["out_of_range"]),
    ):
        values, notices = params.parse({"curation": raw}, "lab")
        assert values["curation"] == expected and [n.reason for n in notices] == reasons


def test_the_registry_and_the_engine_agree_on_where_a_weight_applies():
    """Every combination the registry lets through, the engine takes; every one it
    clears, the engine refuses."""
    from lib.engine import Scenario, simulate, weight_problem

    for model, regime, samples, share in itertools.product(
        params.MODELS, ("replace", "accumulate"), (10, 37), (0.0, 0.01, 0.04, 0.5, 0.99, 1.0)
    ):
        values = {"model": model, "regime": regime, "samples": samples, "real_fraction": share}
        reason = params.weight_reason({**values, "real_weight": 0.4})
        assert (reason is None) == (weight_problem(model, regime, samples, share, 0.4) is None)
        if reason is None:
            scenario = Scenario(**values, real_weight=0.4, generations=2, replicas=2)
            assert simulate(scenario).model_std.shape == (3, 2)


def test_the_url_reproduces_the_remedies_and_drops_them_at_their_defaults():
    values, _ = params.parse({"real_fraction": "0.2", "real_weight": "0.65", "curation": "0.3"})
    query = params.to_query(values, "lab")
    assert query["real_weight"] == "0.65" and query["curation"] == "0.3"
    assert params.parse(query, "lab")[0] == values
    assert "real_weight" not in params.to_query(params.defaults("lab"), "lab")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_laboratory_shows_the_remedies_in_a_folded_group(lang):
    """Both knobs arrive from the URL, in their group, in the page's language; the toggle
    and the slider write the URL; a model that takes no weight disables it and says why."""
    from streamlit.testing.v1 import AppTest

    from lib.i18n import t, use_language

    use_language(lang)
    at = AppTest.from_file(str(APP), default_timeout=120)
    query = {"lang": lang, "real_fraction": "0.2", "real_weight": "0.7", "curation": "0.4"}
    for key, value in {**query, "samples": "50", "generations": "10"}.items():
        at.query_params[key] = value
    at.switch_page("app_pages/lab.py")
    at.run()
    painted(at)
    assert not at.exception, [e.value for e in at.exception]
    assert t("param.advanced.label") in [e.label for e in at.expander]
    assert at.toggle(key="real_weight_by_hand").value is True
    assert at.toggle(key="real_weight_by_hand").label == t("param.real_weight.by_hand")
    assert at.select_slider(key="real_weight_value").value == pytest.approx(0.7)
    assert at.select_slider(key="real_weight_value").label == t("param.real_weight.label")
    assert at.select_slider(key="curation").value == pytest.approx(0.4)
    assert at.select_slider(key="curation").label == t("param.curation.label")
    at.select_slider(key="real_weight_value").set_value(0.9).run()
    assert at.query_params["real_weight"] == "0.9"
    at.toggle(key="real_weight_by_hand").set_value(False).run()
    assert "real_weight" not in at.query_params and not at.exception
    at.toggle(key="real_weight_by_hand").set_value(True).run()
    at.selectbox(key="model").set_value("mixture").run()
    assert not at.exception and "real_weight" not in at.query_params
    assert at.toggle(key="real_weight_by_hand").disabled
    assert t("param.real_weight.off") in [c.value for c in at.caption]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_weight_the_model_cannot_take_gets_a_translated_notice(lang):
    from streamlit.testing.v1 import AppTest

    from lib.i18n import t, use_language

    use_language(lang)
    at = AppTest.from_file(str(APP), default_timeout=120)
    query = {"lang": lang, "model": "mixture", "real_fraction": "0.5", "real_weight": "0.7"}
    for key, value in {**query, "samples": "50", "generations": "3"}.items():
        at.query_params[key] = value
    at.switch_page("app_pages/lab.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    expected = t("notice.weight_model", name=t("param.real_weight.label"))
    assert expected in [i.body for i in at.info]
    assert "real_weight" not in at.query_params


def test_curated_pools_are_capped_by_the_work_of_tilting_them():
    """Curated kde and resample tilt their whole pool each generation: samples ×
    generations²/2 stays within the cap; uncurated, or the Gaussian, are not capped so."""
    query = {"model": "kde", "regime": "accumulate", "curation": "1", "samples": "2000"}
    values, notices = params.parse({**query, "generations": "1000"}, "lab")
    work = params.MAX_CURATED_POOL_WORK["kde"]
    assert values["samples"] * values["generations"] ** 2 / 2 <= work
    assert [n.reason for n in notices] == ["model_cap"]
    plain, notices = params.parse({**query, "generations": "1000", "curation": "0"}, "lab")
    assert plain["generations"] == 1000 and notices == []
    gaussian, _ = params.parse({**query, "generations": "1000", "model": "gaussian"}, "lab")
    assert gaussian["generations"] == 1000
