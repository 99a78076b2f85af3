"""Streamlit's empty-rerun floor: one slider and the text of its value, nothing else.

``benchmarks/bench_browser.py`` serves it with the app's settings and times a slider release to the
text's update, the least any Streamlit rerun costs in this browser on this machine.
"""

import streamlit as st

value = st.slider("floor", min_value=0.0, max_value=100.0, value=50.0, step=0.5, key="floor")
st.metric("value", f"{value:.1f}")
