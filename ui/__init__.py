"""Streamlit glue shared by the pages; the only Python here that imports streamlit."""
