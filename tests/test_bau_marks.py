"""The "Hiện trạng" marks under the levers: CSS drawn from the plan, one rule per lever (known answers)."""

from __future__ import annotations

import dataclasses
import re

from app.views import bau_marks_css


def test_one_rule_per_lever_at_its_bau_level(plan):
    css = bau_marks_css(plan, "vi")
    groups = [(i, g) for i, index in plan.indices.items() for g in index.groups]
    rules = re.findall(
        r"\.st-key-w-lv-([\w-]+) \{--bau: calc\(0\.375rem \+ \(100% - 0\.75rem\) \* ([\d.e-]+)\);\}", css
    )
    assert len(rules) == len(groups) > 0
    assert {(cls, float(x)) for cls, x in rules} == {(f"{i}-{g.id}", g.bau) for i, g in groups}
    assert '--bau-text: "Hiện trạng";' in css
    assert '--bau-text: "BAU";' in bau_marks_css(plan, "en")
    assert css.startswith("<style>") and css.endswith("</style>")


def test_a_group_id_is_made_a_class_as_streamlit_makes_it(plan):
    """Streamlit's class for a key replaces each character outside [A-Za-z0-9_-] with "-"."""
    index = plan.indices["par_index"]
    odd = dataclasses.replace(index.groups[0], id="g1.x:y}{")
    odd_plan = dataclasses.replace(
        plan, indices={**plan.indices, "par_index": dataclasses.replace(index, groups=(odd,))}
    )
    css = bau_marks_css(odd_plan, "vi")
    assert ".st-key-w-lv-par_index-g1-x-y-- {" in css
    assert "}{" not in css.replace("} {", "")  # nothing of the id leaves its class name
