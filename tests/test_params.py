"""The registry: every page's values are valid whatever the URL says, and never raise."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import params
from lib.i18n import catalogue

PAGES = sorted(params.PAGE_PARAMS)


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
