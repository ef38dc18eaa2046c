"""The hand-audited property records behind the README's audit table (corpora/audit)."""

import json
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_audit_records_give_the_readme_figures():
    records = [json.loads(line) for line in (ROOT / "corpora/audit/properties.jsonl").read_text().splitlines()]
    assert {r["verdict"] for r in records} == {"right", "wrong", "setting"}
    assert all(r["sentence"] and r["source"].endswith(".txt") for r in records)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rnd in range(3, 20):
        counts = Counter(r["verdict"] for r in records if r["round"] == rnd)
        assert len({r["source"] for r in records if r["round"] == rnd}) == 5
        row = next(line for line in readme.splitlines() if line.startswith(f"| Round {rnd} "))
        right, total = map(int, re.search(r"\| (\d+)/(\d+) =", row).groups())
        assert (counts["right"], counts["right"] + counts["wrong"]) == (right, total)


def test_every_audited_value_says_whether_it_was_set_or_found():
    """``kind``: what the number is (the setting model's labels): a flagged setting read right is a setting, a right
    unflagged record a measured value; the wrong ones were read again for it, and most unflagged wrong ones are
    settings the rules missed."""
    records = [json.loads(line) for line in (ROOT / "corpora/audit/properties.jsonl").read_text().splitlines()]
    assert {r["kind"] for r in records} == {"setting", "measured", "none"}
    assert all(r["kind"] == "setting" for r in records if r["verdict"] == "setting")
    assert all(r["kind"] == "measured" for r in records if r["verdict"] == "right" and not r["setting"])
    missed = Counter(r["kind"] for r in records if r["verdict"] == "wrong" and not r["setting"])
    assert missed["setting"] > missed["measured"] + missed["none"]
