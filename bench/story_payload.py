"""How much the Story's hero weighs on the wire.

Runs the Story page under AppTest (the default view: 30 generations, then the largest the
page allows: 60) and prints the size of the hero as Streamlit sends it (the chart's
protobuf: the animation; visitors who asked for reduced motion get the still version
instead, measured too), how much of it is pictures, the size of the whole page's elements,
and the ratio of the hero to its 300 KiB budget. Uncompressed: the pictures are PNGs,
which the websocket's deflate barely shrinks, so this is close to what travels.

    python bench/story_payload.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

BUDGET = 300 * 1024  # bytes the hero may weigh at 30 generations


def _element_bytes(node) -> int:
    total = 0
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "ByteSize"):
        total += proto.ByteSize()
    for child in getattr(node, "children", {}).values():
        total += _element_bytes(child)
    return total


def _story(generations: int, *, less_motion: bool = False) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = "en"
    at.query_params["generations"] = str(generations)
    at.session_state["_less_motion"] = less_motion  # what the browser reports (ui/present.py)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _hero(at: AppTest):
    return next(c for c in at.get("plotly_chart") if c.proto.id.endswith("hero_chart"))


def measure(generations: int) -> dict[str, float]:
    at = _story(generations)
    hero = _hero(at)
    spec = hero.proto.spec
    figure = json.loads(spec)
    pictures = sum(
        len(trace.get("source", ""))
        for frame in figure["frames"]
        for trace in frame["data"]
        if trace.get("type") == "image"
    ) + len(figure["data"][0].get("source", ""))
    return {
        "frames": len(figure["frames"]),
        "hero": hero.proto.ByteSize(),
        "still": _hero(_story(generations, less_motion=True)).proto.ByteSize(),
        "spec": len(spec.encode()),
        "pictures": pictures,
        "page": _element_bytes(at._tree),
    }


def main() -> None:
    for generations in (30, 60):
        m = measure(generations)
        print(
            f"{generations:>3} generations: {m['frames']} frames, hero {m['hero'] / 1024:.1f} KiB"
            f" (pictures {m['pictures'] / 1024:.1f} KiB,"
            f" {m['pictures'] / m['frames'] / 1024:.2f} KiB a frame; the still version for"
            f" reduced motion {m['still'] / 1024:.1f} KiB); page elements"
            f" {m['page'] / 1024:.1f} KiB; hero / budget = {m['hero'] / BUDGET:.2f}"
        )


if __name__ == "__main__":
    main()
