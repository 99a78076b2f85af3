"""A what-if simulator for Vietnam's provincial governance indices (PAR INDEX, SIPAS, PAPI).

The library is pure numpy / scipy / statsmodels; it never imports Streamlit.
"""

from simulator.errors import InputError

__all__ = ["InputError"]
