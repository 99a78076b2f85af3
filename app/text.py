"""User text (plan, group and saved-plan names, notes, file names, echoed values) as plain text.

Streamlit renders markdown in ``st.markdown``, captions, alerts and widget labels: a name holding
``![x](http://host/pixel.png)`` would make every viewer's browser fetch that image, and ``:red[…]``,
``$…$`` or ``**`` would restyle the page. :func:`plain` backslash-escapes every character that
Streamlit's markdown gives a meaning to, so the text shows exactly as typed.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=&\"'])")


def plain(text: object) -> str:
    """``text`` with markdown's special characters escaped, and line breaks as spaces.

    >>> plain("![x](http://a/b.png) **b** :red[c]")
    '\\\\!\\\\[x\\\\]\\\\(http\\\\://a/b\\\\.png\\\\) \\\\*\\\\*b\\\\*\\\\* \\\\:red\\\\[c\\\\]'
    """
    flat = " ".join(str(text).split())
    return _SPECIAL.sub(r"\\\1", flat)
