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
    for rnd in range(3, 17):
        counts = Counter(r["verdict"] for r in records if r["round"] == rnd)
        assert len({r["source"] for r in records if r["round"] == rnd}) == 5
        row = next(line for line in readme.splitlines() if line.startswith(f"| Round {rnd} "))
        right, total = map(int, re.search(r"\| (\d+)/(\d+) =", row).groups())
        assert (counts["right"], counts["right"] + counts["wrong"]) == (right, total)
