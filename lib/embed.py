"""An embedded page tells its host page how tall it is, so that the iframe fits its content.

Two message formats, the ones newsrooms already listen for:

- NPR's pym.js: the string ``pymxPYMx{childId}xPYMxheightxPYMx{px}``, where ``childId`` is
  the id ``pym.Parent`` put in the child's address (sent only when there is one: a pym.js
  host always gives it, and no pym.js host could read a message without it);
- AMP's ``amp-iframe resizable``: the object ``{sentinel: "amp", type: "embed-size",
  height}``, which the share panel's own host script reads too.

The same script serves the app (it measures Streamlit's main block container, not its
100 %-height shell) and the standalone HTML export (it measures the page's ``<main>``).
Pure Python, no streamlit: this module only writes the script's text.
"""

from __future__ import annotations

import json
import re

# Keys pym.js adds to the child's address. The app reads none of them as a parameter: they
# are accepted silently (no notice) and never shown; ``childId`` is only used, sanitised,
# inside the messages.
EMBEDDER_KEYS = ("initialWidth", "childId", "parentTitle", "parentUrl")
CHILD_ID_KEY = "childId"
# A pym.js child id is the id of the host page's container element. Anything beyond these
# characters is not an id a newsroom would write: such an id is dropped, never mangled
# (a mangled id would match no host anyway).
_CHILD_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")

# At most this many milliseconds between two measures: four messages a second at most.
MIN_INTERVAL_MS = 250

APP_CONTENT = '[data-testid="stMainBlockContainer"]'
# While Streamlit runs the page's script the content is half drawn (a first run starts
# with a title alone): its height is told once the run is over, so that the article
# around the iframe does not jump from a sliver to the full height.
APP_BUSY = (
    '[data-testid="stApp"][data-test-script-state="initial"],'
    '[data-testid="stApp"][data-test-script-state="running"]'
)
EXPORT_CONTENT = "main"

# Why each step: not framed, nothing is sent (a page opened on its own talks to no one);
# the height is where the content ends in the document: its top, scrolled boxes included
# (Streamlit scrolls its main column inside a 100 %-height shell, so the document itself
# is never taller than the window), plus its height or, when a child overflows it (a
# paragraph's last margin), its scroll height; a ResizeObserver catches every change of
# the content (a chart drawn, a table unfolded, a language switch, a narrower window),
# and a check every second re-attaches it when the framework replaces the element.
_SCRIPT = """<script>
(() => {
  if (window.parent === window) return;
  const reporter = (window.copyHeightReporter = window.copyHeightReporter || {});
  const given = %(child_id)s;
  if (given !== null) reporter.childId = given;
  if (reporter.started) { reporter.schedule(); return; }
  reporter.started = true;
  if (given === null) {
    const raw = new URLSearchParams(window.location.search).get(%(child_key)s) || "";
    reporter.childId = %(pattern)s.test(raw) ? raw : "";
  }
  const selector = %(selector)s;
  const busy = %(busy)s;
  const interval = %(interval)d;
  let observed = null;
  let sent = 0;
  let last = -Infinity;
  let timer = null;
  const measure = (content) => {
    const box = content.getBoundingClientRect();
    let top = box.top + window.scrollY;
    for (let up = content.parentElement; up && up !== document.documentElement;
         up = up.parentElement) top += up.scrollTop;
    const tall = Math.max(box.height, content.scrollHeight);
    return Math.ceil(top + tall + parseFloat(getComputedStyle(content).marginBottom || "0"));
  };
  const send = () => {
    if (busy && document.querySelector(busy)) { reporter.schedule(); return; }
    const content = document.querySelector(selector);
    if (!content) return;
    const height = measure(content);
    if (height <= 0 || height === sent) return;
    sent = height;
    if (reporter.childId) {
      window.parent.postMessage(
        "pymxPYMx" + reporter.childId + "xPYMxheightxPYMx" + height, "*");
    }
    window.parent.postMessage({ sentinel: "amp", type: "embed-size", height: height }, "*");
  };
  reporter.schedule = () => {
    if (timer !== null) return;
    const wait = Math.max(0, last + interval - performance.now());
    timer = setTimeout(() => { timer = null; last = performance.now(); send(); }, wait);
  };
  const watcher = new ResizeObserver(reporter.schedule);
  const attach = () => {
    const content = document.querySelector(selector);
    if (!content || content === observed) return;
    if (observed) watcher.unobserve(observed);
    observed = content;
    watcher.observe(content);
    reporter.schedule();
  };
  attach();
  setInterval(attach, 1000);
  window.addEventListener("load", reporter.schedule);
  window.addEventListener("resize", reporter.schedule);
})();
</script>"""


def child_id(raw: object) -> str:
    """The pym.js child id from the address, or "" when it is missing or not an id."""
    if not isinstance(raw, str) or not _CHILD_ID.fullmatch(raw):
        return ""
    return raw


def height_reporter(selector: str, child: str | None = None, busy: str | None = None) -> str:
    """The ``<script>`` that reports the height of the element ``selector`` to the host,
    except while an element ``busy`` exists (the page is still being drawn).

    ``child`` is the pym.js child id the server read (sanitised again here); ``None``
    makes the script read it from its own address (the standalone export has no server).
    """
    given = None if child is None else child_id(child)
    return _SCRIPT % {
        "child_id": _js(given),
        "child_key": _js(CHILD_ID_KEY),
        "pattern": "/^" + _CHILD_ID.pattern + "$/",
        "selector": _js(selector),
        "busy": _js(busy),
        "interval": MIN_INTERVAL_MS,
    }


def _js(value: object) -> str:
    """A JSON literal that cannot close the ``<script>`` it sits in."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")
