"""Words and number formats in Vietnamese (default) and English, shared by the CLI and the app."""

from __future__ import annotations

import math

LANGS = ("vi", "en")

TEXT: dict[str, dict[str, str]] = {
    "par_index": {"vi": "Chỉ số CCHC (PAR INDEX)", "en": "PAR INDEX"},
    "sipas": {"vi": "Chỉ số hài lòng (SIPAS)", "en": "SIPAS"},
    "papi": {"vi": "Chỉ số PAPI", "en": "PAPI"},
    "index": {"vi": "Chỉ số", "en": "Index"},
    "target": {"vi": "Mục tiêu", "en": "Target"},
    "score": {"vi": "Điểm", "en": "Score"},
    "rank": {"vi": "Xếp hạng", "en": "Rank"},
    "p_score": {"vi": "P(điểm ≥ mục tiêu)", "en": "P(score ≥ target)"},
    "p_rank": {"vi": "P(hạng ≤ mục tiêu)", "en": "P(rank ≤ target)"},
    "p_both": {"vi": "P(đạt cả hai)", "en": "P(both)"},
    "expected_rank": {"vi": "Hạng kỳ vọng", "en": "Expected rank"},
    "score_interval": {"vi": "Điểm (trung bình; khoảng 90%)", "en": "Score (mean; 90% interval)"},
    "rank_interval": {"vi": "Hạng (trung vị; khoảng 90%)", "en": "Rank (median; 90% interval)"},
    "draws": {"vi": "số lần mô phỏng", "en": "draws"},
    "seed": {"vi": "hạt giống ngẫu nhiên", "en": "seed"},
    "plan": {"vi": "Kế hoạch", "en": "Plan"},
    "province": {"vi": "Tỉnh/thành phố", "en": "Province"},
    "year": {"vi": "Năm", "en": "Year"},
    "top": {"vi": "nhóm", "en": "top"},
    "mc_note": {
        "vi": "± là sai số Monte Carlo (một độ lệch chuẩn).",
        "en": "± is the Monte Carlo error (one standard deviation).",
    },
    "assumption": {"vi": "Giả định", "en": "Assumption"},
}


def t(key: str, lang: str = "vi") -> str:
    """The label ``key`` in ``lang`` (falls back to the key itself)."""
    entry = TEXT.get(key)
    return entry.get(lang, entry["en"]) if entry else key


def number(x: float, digits: int = 2, lang: str = "vi") -> str:
    """Format a number: Vietnamese uses a decimal comma and dot thousands (83,76; 1.234,5).

    >>> number(83.756, 2), number(1234.5, 1), number(83.756, 2, "en")
    ('83,76', '1.234,5', '83.76')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    text = f"{x:,.{digits}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def percent(p: float, digits: int = 1, lang: str = "vi") -> str:
    """A probability as a percentage: ``percent(0.4567) == '45,7 %'`` (Vietnamese spacing)."""
    return f"{number(100 * p, digits, lang)} %" if lang == "vi" else f"{number(100 * p, digits, lang)}%"


def prob_with_error(p: float, se: float, lang: str = "vi") -> str:
    """``'45,7 % ± 0,4'``: a probability with its Monte Carlo standard error in points."""
    return f"{percent(p, 1, lang)} ± {number(100 * se, 1, lang)}"
