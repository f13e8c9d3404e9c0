"""The stylesheet each view mode adds to the app: phones, reduced motion, the embedded
page and the classroom projector. Injected once a run by ``chrome.start_page``.

Hiding is declarative: ``chrome.HIDDEN`` says which element groups a mode strips; this
module turns the groups into selectors. A page's widgets carry their registry key as
Streamlit's ``st-key-<key>`` class, so "controls" means exactly the page's parameters
from ``lib.params.PAGE_PARAMS`` (like TensorFlow Playground's hideable controls).
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

# Presentation mode's text is this many times the normal size (the issue asks for >= 1.3).
PRESENT_SCALE = 1.375

# Containers the chrome itself keys (``st.container(key=...)``).
SHARE_KEY = "share_panel"
EXPORT_KEY = "export_panel"
EMBED_LINK_KEY = "embed_link"
STILL_KEY = "still_frames"  # the toggle "still pictures" (by hand)
MOTION_VIEW = "motion_view"  # the animation, hidden when the system asks for less motion
STILL_VIEW = "still_view"  # the still grid, shown only then
MOTION_PROBE = "motion_probe"  # reports the reduced-motion preference; never shown
PRESENT_KEY = "present_controls"
GENERATION_KEY = "present_generation"
CHART_FIRST_KEY = "chart_first"  # on a phone, the column holding it comes before the others


def group_key(group: str) -> str:
    """The container key of an element group a page wraps with ``chrome.section``."""
    return f"group_{group}"


_SIDEBAR = (
    '[data-testid="stSidebar"]',
    '[data-testid="stSidebarCollapsedControl"]',
    '[data-testid="stExpandSidebarButton"]',
)

# WCAG 2.1 AA asks 4.5:1 for text (axe-core's color-contrast rule, tests/browser/test_a11y.py).
# Streamlit draws the selected button of a segmented control in the theme's primary
# colour on a 10 % tint of it: #0072B2 on #DBE8F1 is 4.15:1. A darker shade of the same
# blue reads 5.92:1 there (7.39:1 on white). Its captions are the text colour at 60 %
# opacity (#76797C, 4.38:1 on white): opaque, in the grey below, they read 6.05:1 on white
# and 5.54:1 on the sidebar's #F3F5F8.
SELECTED_TEXT = "#005A8C"
CAPTION_TEXT = "#5F6368"
CONTRAST = f"""
button[data-variant="segmented_control"][aria-checked="true"],
button[data-variant="segmented_control"][aria-checked="true"] * {{
  color: {SELECTED_TEXT} !important; }}
[data-testid="stCaptionContainer"] {{ opacity: 1; color: {CAPTION_TEXT}; }}
[data-testid="stCaptionContainer"] p {{ color: {CAPTION_TEXT}; }}
"""

# Always: nothing wider than a phone's screen, no motion for those who asked for none.
BASE = """
[data-testid="stMain"] [data-testid="stMarkdownContainer"] { overflow-wrap: break-word; }
[data-testid="stMain"] pre, [data-testid="stMain"] pre code {
  white-space: pre-wrap !important; overflow-wrap: anywhere; word-break: break-word; }
[data-testid="stMain"] table { display: block; max-width: 100%; overflow-x: auto; }
[data-testid="stMain"] img, [data-testid="stMain"] svg { max-width: 100%; }
[data-testid="stMain"] .js-plotly-plot, [data-testid="stMain"] .plot-container {
  max-width: 100%; }
[class*="st-key-still_view_"],
[data-testid="stLayoutWrapper"]:has(> [class*="st-key-still_view_"]),
.st-key-page_scripts, [data-testid="stLayoutWrapper"]:has(> .st-key-page_scripts),
[class*="st-key-motion_probe_"],
[data-testid="stLayoutWrapper"]:has(> [class*="st-key-motion_probe_"]) {
  display: none !important; }
/* A phone stacks a page's columns: the chart's own comes first, its knobs under it. */
@media (max-width: 640px) {
  [data-testid="stColumn"]:has(.st-key-chart_first) { order: -1; } }
/* The share panel is drawn first but shown last (flex order of the page's column). */
.st-key-share_panel, [data-testid="stLayoutWrapper"]:has(> .st-key-share_panel) {
  order: 9998; }
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important;
    scroll-behavior: auto !important; }
  [class*="st-key-motion_view_"], [class*="st-key-still_frames_"],
  [data-testid="stLayoutWrapper"]:has(> [class*="st-key-motion_view_"]) {
    display: none !important; }
  [class*="st-key-still_view_"],
  [data-testid="stLayoutWrapper"]:has(> [class*="st-key-still_view_"]) {
    display: flex !important; }
}
"""

EMBED = """
[data-testid="stMainBlockContainer"] { padding: 0.5rem 0.75rem 0.5rem !important; }
[data-testid="stMain"] h1 { font-size: 1.25rem !important; padding: 0 0 0.25rem !important; }
/* "Open the full lab": one small line at the top right, seen without scrolling. */
.st-key-embed_link { align-items: flex-end; }
.st-key-embed_link p { font-size: 0.8rem; margin: 0; text-align: right; }
/* A script (autoplay, the height reporter) takes no room, nor the column's gap under it:
   the host sizes the iframe to the content, not to a blank band. */
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script:only-child) {
  display: none !important; }
"""

PRESENT = f"""
html {{ font-size: {PRESENT_SCALE * 100:g}% !important; }}
.stApp, [data-testid="stMain"], [data-testid="stMain"] p, [data-testid="stMain"] li {{
  background: #FFFFFF; color: #000000 !important; }}
[data-testid="stHeader"] {{ display: none !important; }}
[data-testid="stMainBlockContainer"] {{ padding: 1rem 2rem 0.5rem !important;
  max-width: 100% !important; }}
[data-testid="stMain"] h1 {{ font-size: 2rem !important; padding: 0 0 0.25rem !important;
  color: #000000 !important; }}
[data-testid="stMain"] a {{ color: #00305E !important; text-decoration: underline; }}
[data-testid="stMain"] button {{ border: 2px solid #000000 !important; color: #000000;
  font-weight: 700; }}
.st-key-present_controls {{ align-items: center; }}
.st-key-present_generation p {{ font-size: 3rem !important; font-weight: 800;
  line-height: 1.1; margin: 0; text-align: center; }}
"""


def _hide(selectors: Iterable[str]) -> str:
    selectors = sorted(set(selectors))
    if not selectors:
        return ""
    return ",\n".join(selectors) + " { display: none !important; }\n"


def hidden_selectors(groups: Iterable[str], control_keys: Iterable[str]) -> list[str]:
    """CSS selectors of what ``groups`` cover on a page whose widgets are ``control_keys``."""
    groups = set(groups)
    selectors = [f".st-key-{group_key(group)}" for group in groups]
    # and the wrapper Streamlit puts around a keyed container: a wrapper left on the page
    # holds nothing but still takes the column's gap (a blank band under an embed)
    selectors += [
        f'[data-testid="stLayoutWrapper"]:has(> .st-key-{group_key(group)})' for group in groups
    ]
    if "navigation" in groups:
        selectors += _SIDEBAR
    if "prose" in groups:
        # captions are side notes: the embedded page keeps one line of text
        selectors.append('[data-testid="stMain"] [data-testid="stCaptionContainer"]')
        selectors.append(
            '[data-testid="stMain"] [data-testid="stElementContainer"]'
            ':has(> [data-testid="stMarkdown"] [data-testid="stCaptionContainer"])'
        )
    if "controls" in groups:
        selectors += [f".st-key-{key}" for key in control_keys]
        # a row of columns or a folded panel ("Settings") that holds controls and no
        # chart goes too: no empty gap, no empty panel
        selectors += [
            f'[data-testid="{block}"]:has(.st-key-{key})'
            ':not(:has(.js-plotly-plot, [data-testid="stPlotlyChart"]))'
            for key in control_keys
            for block in ("stHorizontalBlock", "stExpander")
        ]
        selectors.append(f'[class*="st-key-{STILL_KEY}_"]')
    if "share" in groups:
        selectors.append(f".st-key-{SHARE_KEY}")
    if "export" in groups:
        selectors.append(f".st-key-{EXPORT_KEY}")
    return selectors


def stylesheet(*, embed: bool, present: bool, hidden: Iterable[str], controls: Iterable[str]):
    """The whole stylesheet of this run's view."""
    css = CONTRAST + BASE
    if embed:
        css += EMBED
    if present:
        css += PRESENT
    css += _hide(hidden_selectors(hidden, controls))
    return css


def inject(css: str) -> None:
    # Style-only HTML goes to Streamlit's event container: it takes no room on the page.
    st.html(f"<style>{css}</style>")
