"""Synthesis scoring: operation typing on held-out Kononova DOIs, and on MSPT papers (gold ``.ann``) the lexicon
operation finder's span F1, condition attachment F1 and material role accuracy.

Entities come from the gold spans, or from a tagger (``matnlp.ner.load(MODEL_DIR)``): only ``ner-test`` is unseen
by an NER model trained on ``ner-train`` (``sfex-test`` lies inside ``ner-train``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from ..datasets.kononova import held_out_doi, kononova_recipes
from ..datasets.mspt import BratDoc, gold_roles, split_docs
from ..extractors.synthesis import CONDITION_KINDS, default_typer, extract_steps, find_operations

# Entity label -> which gold pair set its attachment is scored against.
PAIR_KIND = {
    "Condition-Unit": "conditions",
    "Condition-Misc": "conditions",
    "Number": "number_chains",
    "Synthesis-Apparatus": "devices",
}


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    """Precision, recall, F1 (rounded to 4 places) with the counts they come from."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
            "tp": tp, "pred": n_pred, "gold": n_gold}


def typing_accuracy(folder: str | Path | None = None) -> dict:
    """Accuracy of the shipped typer on the held-out DOIs, with the token-majority baseline for comparison.

    ``folder`` holds the Kononova datasets (default ``DATA/synthesis_recipes``)."""
    typer = default_typer()
    n = ok = ok_token = unseen = ok_unseen = 0
    per_type: Counter = Counter()
    per_type_ok: Counter = Counter()
    for r in kononova_recipes(folder):
        if not held_out_doi(r.doi):
            continue
        style = typer.style(op.token for op in r.operations)
        for op in r.operations:
            pred = typer.type(op.token, op.medium, style)
            n += 1
            ok += pred == op.type
            ok_token += typer.type(op.token) == op.type
            per_type[op.type] += 1
            per_type_ok[op.type] += pred == op.type
            if op.token not in typer.vocabulary:
                unseen += 1
                ok_unseen += pred == op.type
    return {
        "operations": n,
        "accuracy": round(ok / n, 4),
        "token_only_accuracy": round(ok_token / n, 4),
        "unseen_tokens": unseen,
        "unseen_accuracy": round(ok_unseen / unseen, 4) if unseen else None,
        "per_type_recall": {t: round(per_type_ok[t] / c, 4) for t, c in per_type.most_common()},
    }


def gold_pairs(doc: BratDoc) -> dict[str, set]:
    """Gold (mention, operation) span pairs: conditions, number chains and apparatus."""
    ents = doc.entities
    span = lambda i: (ents[i].start, ents[i].end)  # noqa: E731
    cond = {(a, b) for r, a, b in doc.relations if r == "Condition_Of" and ents[b].label == "Operation"}
    unit_op = dict(cond)
    chain = {
        (span(a), span(unit_op[b])) for r, a, b in doc.relations if r == "Number_Of" and b in unit_op
    }
    return {
        "conditions": {(span(a), span(b)) for a, b in cond},
        "number_chains": chain,
        "devices": {
            (span(a), span(b))
            for r, a, b in doc.relations
            if r == "Apparatus_Of" and ents[a].label == "Synthesis-Apparatus"
        },
    }


def predicted_pairs(doc: BratDoc, steps) -> dict[str, set]:
    """The same pairs read off the extracted steps (a condition span covers its entity and its number)."""
    ents = list(doc.entities.values())
    out: dict[str, set] = {"conditions": set(), "number_chains": set(), "devices": set()}
    for s in steps:
        op = (s.start, s.end)
        for kind in CONDITION_KINDS:
            for c in getattr(s.conditions, kind):
                for e in ents:
                    key = PAIR_KIND.get(e.label)
                    if key and c.start <= e.start and e.end <= c.end:
                        out[key].add(((e.start, e.end), op))
    return out


def score_documents(docs: Iterable[BratDoc], tagger: Callable | None = None) -> dict:
    """Operations (lexicon finder vs gold spans), condition/number/device attachment, targets and precursors
    (P/R/F1) and material role accuracy with its confusion, over MSPT papers; entities from ``tagger(text)`` or,
    without one, the gold spans."""
    totals = {k: Counter() for k in ("operations", "conditions", "number_chains", "devices", "targets", "precursors")}
    roles_ok = roles_n = documents = 0
    confusion: Counter = Counter()
    for doc in docs:
        documents += 1
        gold_ops = {(e.start, e.end) for e in doc.entities.values() if e.label == "Operation"}
        lex_ops = {(e.start, e.end) for e in find_operations(doc.text)}
        _count(totals["operations"], lex_ops, gold_ops)
        entities = tagger(doc.text) if tagger else list(doc.entities.values())
        steps = extract_steps(doc.text, entities)
        gold, pred = gold_pairs(doc), predicted_pairs(doc, steps)
        for k in ("conditions", "number_chains", "devices"):
            _count(totals[k], pred[k], gold[k])
        g_roles = gold_roles(doc)
        p_roles = {(m.start, m.end): m.role for s in steps for m in s.materials}
        for span, role in g_roles.items():
            got = p_roles.get(span, "none")
            roles_ok += got == role
            roles_n += 1
            confusion[f"{role}->{got}"] += 1
        for key, role in (("targets", "target"), ("precursors", "precursor")):
            pred = {s for s, r in p_roles.items() if r == role}
            _count(totals[key], pred, {s for s, r in g_roles.items() if r == role})
    result = {k: prf(c["tp"], c["pred"], c["gold"]) for k, c in totals.items()}
    result["operations"]["finder"] = "lexicon (Kononova vocabulary, filtered/extended on MSPT sfex-train)"
    result["material_roles"] = {
        "accuracy": round(roles_ok / roles_n, 4) if roles_n else None,
        "materials": roles_n,
        "majority_baseline": round(max(Counter(k.split("->")[0] for k in confusion.elements()).values()) / roles_n, 4)
        if roles_n else None,
        "confusion": dict(confusion.most_common()),
    }
    result["documents"] = documents
    return result


def score_split(split: str, root: str | Path | None = None, tagger: Callable | None = None) -> dict:
    """:func:`score_documents` on the papers of one MSPT split (``ner-test``, ``sfex-test``, ...; root default
    ``DATA/mspt``)."""
    return score_documents(split_docs(split, root), tagger)


def _count(c: Counter, pred: set, gold: set) -> None:
    c["tp"] += len(pred & gold)
    c["pred"] += len(pred)
    c["gold"] += len(gold)
