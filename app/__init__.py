"""The Streamlit front end. Importing the package sets numpy's BLAS threads, before numpy loads.

One OpenBLAS thread unless the environment says otherwise: the library's matrices are small, and on
a 2-core server OpenBLAS's spinning threads fight the session's own work (first page 5.2–7.4 s →
3.0 s under load; see docs/speed.md). Both entry points (``app/server.py``,
``app/streamlit_app.py``) import the package before anything imports numpy.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
