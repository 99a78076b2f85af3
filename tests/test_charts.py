"""Chart colours that read on the light and on the dark theme (the browser tests measure the page)."""

from __future__ import annotations

import pandas as pd
import pytest

from app import charts

WHITE, DARK = "#ffffff", "#0e1117"  # Streamlit's light and dark backgrounds


def _luminance(color: str) -> float:
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_known_answers():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("color", [charts.PLAN, charts.BAU, charts.TARGET])
def test_marks_stand_out_on_both_themes(color):
    """Non-text marks need 3:1 (WCAG 1.4.11) against the light and the dark background alike."""
    assert contrast(color, WHITE) >= 3.0 and contrast(color, DARK) >= 3.0


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_chart_text_takes_the_page_text_colour(lang):
    hist = pd.DataFrame(
        {
            "series": ["plan", "bau"],
            "lo": [80.0, 80.0],
            "hi": [81.0, 81.0],
            "mid": [80.5, 80.5],
            "share": [0.1, 0.2],
        }
    )
    spec = charts.score_chart(hist, 80.5, lang).to_dict()
    config = spec["config"]
    assert config["axis"]["labelColor"] == config["axis"]["titleColor"] == "currentColor"
    assert config["legend"]["labelColor"] == config["text"]["color"] == "currentColor"
    texts = [layer["mark"] for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert texts and all(mark["color"] == "currentColor" for mark in texts)
    percent = config["locale"]["number"].get("percent", "%")
    assert percent == ("\u00a0%" if lang == "vi" else "%")
