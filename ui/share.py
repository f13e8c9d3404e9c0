"""Sharing a view: its exact address, the snippets that embed it in a newsroom CMS (a
responsive one that sizes the iframe to its content, and a fixed-height ``<iframe>`` for
CMSs that strip scripts), the "open the full lab" link of an embedded page, and the
download buttons (standalone HTML animation, CSV of the measures).

The address is rebuilt from the registry (``ui.state.share_query``), never copied from
the raw URL, and everything put into HTML is escaped: a value in the address bar cannot
inject markup into the snippet an editor pastes.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from lib import export
from lib.i18n import current_language, t
from ui import state, style

DEFAULT_BASE = "http://localhost:8501"
EMBED_HEIGHT = 640
# The attribute that marks the iframes the responsive snippet's host script resizes.
RESIZED_MARK = "data-copy-of-a-copy"
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


def app_base(url: str | None, host: str | None, page_paths: Sequence[str]) -> str:
    """The app's root address, without the page's path, the query or a trailing slash.

    ``url`` is ``st.context.url`` (the page's address in the visitor's browser); when it
    is missing (tests, old clients) the ``Host`` header decides, else localhost.
    """
    if url:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and _HOST.match(parts.netloc or ""):
            path = parts.path.rstrip("/")
            for page_path in page_paths:
                if page_path and (path == f"/{page_path}" or path.endswith(f"/{page_path}")):
                    path = path[: -len(page_path) - 1]
                    break
            return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    if host and _HOST.match(host):
        return f"http://{host}"
    return DEFAULT_BASE


def view_url(base: str, page_path: str, query: Mapping[str, str]) -> str:
    """``base/page_path?query``: the query's values are percent-encoded."""
    address = base.rstrip("/") + "/" + page_path
    encoded = urlencode(sorted(query.items()))
    return f"{address}?{encoded}" if encoded else address


def iframe_snippet(src: str, *, title: str, height: int = EMBED_HEIGHT) -> str:
    """A ready ``<iframe>``: full width, fixed height, a title for screen readers, lazy
    loading. Every attribute value is HTML-escaped."""
    return (
        f'<iframe src="{html.escape(src, quote=True)}" width="100%" height="{int(height)}" '
        f'title="{html.escape(title, quote=True)}" loading="lazy" '
        'style="border:0;max-width:100%" allow="fullscreen"></iframe>'
    )


# The host page's side of ``lib.embed``: a few lines that set the height of the marked
# iframe the message came from. Only messages from the app's own origin count, and only a
# sane number of pixels: another frame on the article cannot resize this one.
_HOST_SCRIPT = """<script>
(function () {
  var origin = %(origin)s;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || !data || data.sentinel !== "amp"
        || data.type !== "embed-size") return;
    var height = Math.ceil(Number(data.height));
    if (!(height > 0 && height < 20000)) return;
    var frames = document.querySelectorAll("iframe[%(mark)s]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) frames[i].style.height = height + "px";
    }
  });
})();
</script>"""


def responsive_snippet(src: str, *, title: str, height: int = EMBED_HEIGHT) -> str:
    """The iframe in a container, and the host script that fits its height to the content
    (the page inside reports it, see ``lib.embed``). ``height`` holds until the first
    report. Every attribute value is HTML-escaped; the script names only the app's origin.
    """
    parts = urlsplit(src)
    origin = f"{parts.scheme}://{parts.netloc}" if _HOST.match(parts.netloc or "") else ""
    frame = (
        f'<iframe {RESIZED_MARK} src="{html.escape(src, quote=True)}" width="100%" '
        f'height="{int(height)}" title="{html.escape(title, quote=True)}" loading="lazy" '
        'style="border:0;width:100%;display:block" allow="fullscreen"></iframe>'
    )
    script = _HOST_SCRIPT % {
        "origin": json.dumps(origin).replace("<", "\\u003c"),
        "mark": RESIZED_MARK,
    }
    return f'<div style="width:100%;max-width:100%">{frame}</div>\n{script}'


def current_base(page_paths: Sequence[str]) -> str:
    try:
        url = st.context.url
        host = st.context.headers.get("Host")
    except Exception:  # outside a browser session (AppTest, bare scripts)
        url, host = None, None
    return app_base(url, host, page_paths)


def addresses(
    page: str, values: Mapping[str, Any], page_path: str, page_paths: Sequence[str]
) -> dict[str, str]:
    """The view's ``link`` (full page) and ``embed`` (``?embed=true``) addresses."""
    base = current_base(page_paths)
    query = state.share_query(page, dict(values))
    return {
        "link": view_url(base, page_path, query),
        "embed": view_url(base, page_path, {**query, "embed": "true"}),
    }


def panel(page: str, values: Mapping[str, Any], page_path: str, page_paths: Sequence[str]):
    """The "Share" popover: the view's address, the responsive snippet, the fixed-height
    fallback, and one line saying which to use. Drawn in the container the chrome keys
    ``style.SHARE_KEY``."""
    urls = addresses(page, values, page_path, page_paths)
    title = t("share.iframe_title", page=t(f"nav.{page}"))
    with st.popover(t("share.button"), icon=":material/share:", help=t("share.help")):
        # Plain text, no syntax colours: the highlighter's blues, greens and oranges read
        # below 4.5:1 on the code background (WCAG AA), and a snippet is for copying.
        st.caption(t("share.link"))
        st.code(urls["link"], language=None, wrap_lines=True)
        st.caption(t("share.which_snippet"))
        st.caption(t("share.snippet"))
        st.code(responsive_snippet(urls["embed"], title=title), language=None, wrap_lines=True)
        st.caption(t("share.snippet_fixed"))
        st.code(iframe_snippet(urls["embed"], title=title), language=None, wrap_lines=True)
        st.caption(t("share.pym"))


def full_view_link(page: str, values: Mapping[str, Any], page_path: str, paths: Sequence[str]):
    """The discreet link of an embedded page to the same view in the full app."""
    link = addresses(page, values, page_path, paths)["link"]
    with st.container(key=style.EMBED_LINK_KEY):
        # Streamlit opens Markdown links in a new tab: the reader keeps the article.
        st.markdown(f"[{t('share.open_full')} ↗]({link})")


def downloads(
    fig: go.Figure,
    measures: Mapping[str, Sequence[float] | np.ndarray] | None = None,
    *,
    name: str,
    title: str,
    caption: str = "",
) -> None:
    """Download buttons: the animation as standalone HTML (plotly.js inlined, or from the
    CDN) and the per-generation measures as CSV. ``measures`` maps translated column
    headers to one value a generation. The files are built only when clicked."""
    lang = current_language()
    # Strings are settled now: the callables run outside this script run's language.
    inline = lambda: export.standalone_html(fig, title=title, lang=lang, caption=caption)  # noqa: E731
    cdn = lambda: export.standalone_html(  # noqa: E731
        fig, title=title, lang=lang, caption=caption, inline=False
    )
    with st.container(key=style.EXPORT_KEY, horizontal=True):
        st.download_button(
            t("share.download_html"),
            inline,
            file_name=f"{name}.html",
            mime="text/html",
            on_click="ignore",
            icon=":material/animated_images:",
            help=t("share.download_html_help"),
            key=f"export_html_{name}",
        )
        st.download_button(
            t("share.download_html_cdn"),
            cdn,
            file_name=f"{name}-cdn.html",
            mime="text/html",
            on_click="ignore",
            icon=":material/cloud:",
            help=t("share.download_html_cdn_help"),
            key=f"export_cdn_{name}",
        )
        if measures:
            csv = export.measures_csv(
                measures, generation=t("share.csv_generation"), language=current_language()
            )
            st.download_button(
                t("share.download_csv"),
                csv,
                file_name=f"{name}-measures.csv",
                mime="text/csv",
                on_click="ignore",
                icon=":material/table:",
                key=f"export_csv_{name}",
            )
