"""What ``ui.present`` keeps with a figure: its dict form, which Streamlit asks for on every
view (a deep copy and a visit of every number), is computed once a figure."""

from __future__ import annotations

import json
import weakref

import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools

from ui import present


class _Counted(go.Figure):
    """A figure that counts how often it is turned into a dict."""

    def to_dict(self):
        self._conversions = getattr(self, "_conversions", 0) + 1
        return super().to_dict()


def _figure() -> _Counted:
    figure = _Counted(go.Bar(x=[1.5, 2.5], y=[0.25, 0.75]))
    figure.add_trace(go.Scatter(x=[1, 2, 3], y=[0.1, 0.2, 0.3]))
    figure.update_layout(title={"text": "Generation 0"})
    return figure


def test_streamlit_gets_the_figures_own_json_and_the_dict_is_made_once():
    figure = _figure()
    expected = pio.to_json(go.Figure(figure).to_dict(), validate=False)
    for _ in range(3):  # three views of a cached figure
        sent = plotly.tools.return_figure_from_figure_or_data(present._sent(figure), True)
        assert json.loads(pio.to_json(sent, validate=False)) == json.loads(expected)
    assert figure._conversions == 1


def test_each_figure_has_its_own_dict():
    first, second = _figure(), _figure()
    second.update_layout(title={"text": "Generation 1"})
    assert present._sent(first) is present._sent(first)
    assert present._sent(second).to_dict()["layout"]["title"]["text"] == "Generation 1"
    assert present._sent(first).to_dict()["layout"]["title"]["text"] == "Generation 0"


def test_an_entry_left_at_an_address_by_another_object_is_not_taken():
    """An id is reused once its object dies: an entry counts only for the very object it
    was made for (its weak reference says which)."""
    built = []
    kept = present._PerFigure(lambda thing: built.append(thing) or len(built))

    class Thing:
        pass

    gone, heir = Thing(), Thing()
    # What the store would hold if ``heir`` had been born where ``gone`` lived.
    kept._entries[(id(heir),)] = (weakref.ref(gone), "the dead one's value")
    assert kept(heir) == 1 and built == [heir]
    assert kept(heir) == 1 and built == [heir]  # and kept from then on
