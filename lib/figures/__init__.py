"""Plotly figure builders: arrays and labels in, ``go.Figure`` out; no statistics here."""
