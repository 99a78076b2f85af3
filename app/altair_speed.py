"""Altair builds a lookup table of its ~3,000 schema classes on every encoding it wraps: done once here.

Each ``encode(x="lo:Q")`` or ``alt.datum(0)`` goes through ``SchemaBase.from_dict``, which makes a
new ``altair.utils.schemapi._FromDict`` and hashes the JSON schema of every wrapper class into its
``class_dict`` (a quarter of the time of drawing a chart, ~15 ms per encoding on this machine; see
vega/altair#3547, which proposes the same). The table depends only on the classes, so
:func:`install` keeps the first one built for a given set of classes and hands it to later
instances. The charts' specs are unchanged (``tests/test_app_speed.py`` compares them).

Only installed when Altair's private class still has the expected shape; otherwise Altair runs as
it is (slower, same charts).
"""

from __future__ import annotations

import inspect

from altair.utils import schemapi

_TABLES: dict[tuple[type, ...], dict] = {}


def _reusing_init(self, wrapper_classes, /) -> None:  # type: ignore[no-untyped-def]
    classes = tuple(wrapper_classes)
    table = _TABLES.get(classes)
    if table is None:
        _ORIGINAL(self, classes)
        _TABLES[classes] = self.class_dict
    else:
        self.class_dict = table


_ORIGINAL = getattr(getattr(schemapi, "_FromDict", None), "__init__", None)


def install() -> bool:
    """Reuse the class table from now on; False (nothing changed) if this Altair has no such class."""
    cls = getattr(schemapi, "_FromDict", None)
    if cls is None or cls.__init__ is _reusing_init:
        return cls is not None
    if list(inspect.signature(_ORIGINAL).parameters) != ["self", "wrapper_classes"]:
        return False
    cls.__init__ = _reusing_init
    return True
