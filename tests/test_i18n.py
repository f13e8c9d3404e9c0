"""The catalogues: complete in both languages, placeholders matching, French typography."""

import ast
import re
import string
from pathlib import Path

import pytest

from lib import i18n

ROOT_DIR = Path(__file__).resolve().parent.parent


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogues_have_the_same_keys():
    english, french = i18n.catalogue("en"), i18n.catalogue("fr")
    assert len(english) > 50
    assert sorted(set(english) - set(french)) == []
    assert sorted(set(french) - set(english)) == []


def test_placeholders_match_between_languages():
    english, french = i18n.catalogue("en"), i18n.catalogue("fr")
    mismatched = [k for k in english if _placeholders(english[k]) != _placeholders(french[k])]
    assert mismatched == []


def test_the_same_catalogue_is_not_simply_copied():
    english, french = i18n.catalogue("en"), i18n.catalogue("fr")
    long_keys = [k for k, v in english.items() if len(v) > 30]
    identical = [k for k in long_keys if english[k] == french[k]]
    assert identical == []


@pytest.mark.parametrize(
    ("requested", "browser", "expected"),
    [
        ("fr", "en-US", "fr"),
        ("EN", "fr-FR", "en"),
        (None, "fr-CA", "fr"),
        ("de", "fr_BE", "fr"),
        ("<script>", None, "en"),
        (None, None, "en"),
    ],
)
def test_pick_language(requested, browser, expected):
    assert i18n.pick_language(requested, browser) == expected


def test_numbers_follow_the_language():
    i18n.use_language("fr")
    try:
        assert i18n.fmt_number(0.634, 2) == "0,63"
        assert i18n.fmt_percent(0.634) == "63\u00a0%"
        assert i18n.fmt_int(12000) == "12\u202f000"
        assert i18n.t("nav.lab") == "Laboratoire"
    finally:
        i18n.use_language("en")
    assert i18n.fmt_number(0.634, 2) == "0.63"
    assert i18n.fmt_percent(0.634) == "63%"
    assert i18n.fmt_percent(0.0023, 1) == "0.2%"
    assert i18n.fmt_int(12000) == "12,000"


def test_placeholders_are_filled_and_a_missing_key_shows_itself():
    assert "42" in i18n.t("notice.out_of_range", raw="42", name="x", value="1")
    assert i18n.t("no.such.key") == "no.such.key"


# The story, the page the router opens first (AppTest's ``switch_page`` runs a page without
# the router, hence without the sidebar), with each of its settings away from its default.
_STORY_SETTINGS = {
    "source": "two_humps",
    "samples": 40,
    "generations": 10,
    "real_fraction": 0.2,
    "seed": 7,
}


def test_the_sidebar_language_switch_keeps_every_other_setting():
    from streamlit.testing.v1 import AppTest

    from lib.params import PAGE_PARAMS
    from tests.conftest import ROOT

    spec = PAGE_PARAMS["story"]
    assert set(_STORY_SETTINGS) == {k for k in spec if k not in ("lang", "present", "embed")}
    assert all(spec[k].default != v for k, v in _STORY_SETTINGS.items())
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"lang": "en", **{k: str(v) for k, v in _STORY_SETTINGS.items()}})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == i18n.catalogue("en")["nav.story"]
    i18n.use_language("fr")  # AppTest formats the switch's options in this thread
    try:
        at.button_group(key="lang_switch").set_value("fr").run()
    finally:
        i18n.use_language("en")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == i18n.catalogue("fr")["nav.story"]
    query = {key: at.query_params[key] for key in at.query_params}
    query = {k: v[-1] if isinstance(v, list) else v for k, v in query.items()}
    assert query.pop("lang") == "fr"
    assert query == {
        k: f"{v:g}" if isinstance(v, float) else str(v) for k, v in _STORY_SETTINGS.items()
    }
    for key, value in _STORY_SETTINGS.items():
        assert at.session_state[key] == value, key


# ------------------------------------------------ every key the code asks for, statically
CODE = [
    ROOT_DIR / "app.py",
    *sorted((ROOT_DIR / "app_pages").rglob("*.py")),
    *sorted((ROOT_DIR / "ui").rglob("*.py")),
    *sorted((ROOT_DIR / "lib").rglob("*.py")),
]
_PARTS = "|".join(sorted({key.split(".")[0] for key in i18n.catalogue("en")}))
# A string written like a key of the catalogue: one of its parts, a dot, more.
_KEY_SHAPE = re.compile(rf"^(?:{_PARTS})\.[a-z_0-9]+(?:\.[a-z_0-9]+)*$")
# ... unless it names a file ("lab.py", "words.toml").
_FILE_NAME = re.compile(r"\.(py|toml|html|csv|png|json|js|css|gz|npz|tsv)$")


def _trees() -> list[tuple[str, ast.Module]]:
    return [(str(path.relative_to(ROOT_DIR)), ast.parse(path.read_text())) for path in CODE]


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _literal_strings(node: ast.AST) -> list[str] | None:
    """The strings of a literal tuple or list of strings, else None."""
    if isinstance(node, (ast.Tuple, ast.List)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return [e.value for e in node.elts]
    return None


def _bound_values(name: str, node: ast.AST, parents: dict) -> list[str] | None:
    """The values ``name`` takes at ``node`` when an enclosing comprehension or ``for``
    loops it over a literal tuple or list of strings; else None."""
    while node in parents:
        node = parents[node]
        loops = node.generators if hasattr(node, "generators") else [node]
        for loop in loops:
            target = getattr(loop, "target", None)
            if isinstance(target, ast.Name) and target.id == name:
                return _literal_strings(loop.iter)
    return None


def _t_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            bare = isinstance(func, ast.Name) and func.id in ("t", "tn")
            dotted = (  # i18n.t(...), not scipy's stats.t(3)
                isinstance(func, ast.Attribute)
                and func.attr in ("t", "tn")
                and isinstance(func.value, ast.Name)
                and func.value.id == "i18n"
            )
            if bare or dotted:
                yield node, node.args[0]


def _expansions(key: ast.JoinedStr, parents: dict) -> tuple[re.Pattern, list[str] | None]:
    """An f-string key as a pattern any expansion matches, and its exact expansions when
    every placeholder is a name looped over literal strings."""
    pattern, expansions = "", [""]
    for part in key.values:
        if isinstance(part, ast.Constant):
            pattern += re.escape(part.value)
            expansions = None if expansions is None else [e + part.value for e in expansions]
            continue
        pattern += r"[a-z_0-9.]+"
        values = None
        if isinstance(part.value, ast.Name):
            values = _bound_values(part.value.id, part, parents)
        if values is None or expansions is None:
            expansions = None
        else:
            expansions = [e + value for e in expansions for value in values]
    return re.compile(pattern), expansions


def _known(key: str, words: dict[str, str]) -> bool:
    """A plain key, or a count's plural group (``tn``): ``key.one`` and ``key.other``."""
    return key in words or (f"{key}.one" in words and f"{key}.other" in words)


def test_every_key_the_code_asks_for_is_in_both_catalogues():
    english, french = i18n.catalogue("en"), i18n.catalogue("fr")
    missing, expanded = [], 0
    for path, tree in _trees():
        parents = _parents(tree)
        for call, key in _t_calls(tree):
            where = f"{path}:{call.lineno}"
            if isinstance(key, ast.Constant):
                missing += [
                    (where, key.value, lang)
                    for lang, words in (("en", english), ("fr", french))
                    if not _known(key.value, words)
                ]
            elif isinstance(key, ast.JoinedStr):
                pattern, exact = _expansions(key, parents)
                for lang, words in (("en", english), ("fr", french)):
                    if not any(pattern.fullmatch(k) for k in words):
                        missing.append((where, pattern.pattern, lang))
                    for one in exact or []:
                        expanded += 1
                        if not _known(one, words):
                            missing.append((where, one, lang))
        # Keys handed over as data (a Section's heading_key, a hover key in a tuple ...):
        # every string literal shaped like a key must be one (or, inside an f-string, the
        # start of one).
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                in_fstring = isinstance(parents.get(node), ast.JoinedStr)
                shaped = _KEY_SHAPE.match(text.rstrip("._")) and not _FILE_NAME.search(text)
                if shaped and not in_fstring:
                    for lang, words in (("en", english), ("fr", french)):
                        if not _known(text, words):
                            missing.append((f"{path}:{node.lineno}", text, lang))
    assert missing == []
    assert expanded > 20, "the f-string keys looped over literal tuples were expanded"


def test_the_registry_keys_the_widgets_build_are_in_both_catalogues():
    # ui/widgets.py and ui/chrome.py build t(f"param.{key}.label") and
    # t(f"param.{key}.options.{option}") from the registry: enumerate it.
    from lib.params import REGISTRY, Choice
    from ui.chrome import PAGES

    wanted = [f"param.{key}.label" for key in REGISTRY]
    for key, param in REGISTRY.items():
        if isinstance(param, Choice):
            wanted += [f"param.{key}.options.{option}" for option in param.options]
    wanted += [f"nav.{name}" for name, _, _, _ in PAGES]
    wanted += [f"app.language_name.{code}" for code in i18n.LANGUAGES]
    for language in i18n.LANGUAGES:
        words = i18n.catalogue(language)
        assert [key for key in wanted if key not in words] == [], language


def test_the_static_check_catches_a_misspelt_key(tmp_path):
    source = 'from lib.i18n import t\nx = t("digits.stored_runn")\ny = t(f"lab.chart.{k}")\n'
    tree = ast.parse(source)
    ((_, first), (_, second)) = sorted(_t_calls(tree), key=lambda pair: pair[0].lineno)
    assert first.value not in i18n.catalogue("en")
    pattern, exact = _expansions(second, _parents(tree))
    assert exact is None and any(pattern.fullmatch(k) for k in i18n.catalogue("en"))
    looped = ast.parse('[t(f"lab.chart.{k}") for k in ("x", "yy")]')
    ((_, key),) = _t_calls(looped)
    assert _expansions(key, _parents(looped))[1] == ["lab.chart.x", "lab.chart.yy"]
