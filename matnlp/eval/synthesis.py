"""Synthesis scoring: operation typing, reaction agreement and snippet target/precursor F1 on held-out Kononova
DOIs, and on MSPT papers (gold ``.ann``) the lexicon operation finder's span F1, condition and amount attachment
F1, target/precursor F1 and material role accuracy.

Entities come from the gold spans, or from a tagger (``matnlp.ner.load(MODEL_DIR)``): only ``ner-test`` is unseen
by an NER model trained on ``ner-train`` (``sfex-test`` lies inside ``ner-train``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from ..chem import FormulaError, read_material
from ..chem.material import GRADE
from ..chem.reaction import BalanceError, balance, species_composition
from ..datasets.kononova import held_out_doi, kononova_recipes, reactions
from ..datasets.mspt import BratDoc, gold_roles, split_docs
from ..extractors.materials import PHASE_PREFIX, STRUCTURE_TYPES, extract_materials
from ..extractors.recipes import build_recipes
from ..extractors.synthesis import CONDITION_KINDS, default_typer, find_operations, read_synthesis

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
    """Gold (mention, operation) span pairs: conditions, number chains and apparatus; and (amount unit, material)
    pairs."""
    ents = doc.entities
    span = lambda i: (ents[i].start, ents[i].end)  # noqa: E731
    cond = {(a, b) for r, a, b in doc.relations if r == "Condition_Of" and ents[b].label == "Operation"}
    unit_op = dict(cond)
    chain = {
        (span(a), span(unit_op[b])) for r, a, b in doc.relations if r == "Number_Of" and b in unit_op
    }
    return {
        "amounts": {
            (span(a), span(b)) for r, a, b in doc.relations
            if r == "Amount_Of" and ents[a].label == "Amount-Unit" and ents[b].label == "Material"
        },
        "conditions": {(span(a), span(b)) for a, b in cond},
        "number_chains": chain,
        "devices": {
            (span(a), span(b))
            for r, a, b in doc.relations
            if r == "Apparatus_Of" and ents[a].label == "Synthesis-Apparatus"
        },
    }


def predicted_pairs(doc: BratDoc, steps) -> dict[str, set]:
    """The same pairs read off the extracted steps (a condition or amount span covers its entity and its
    number)."""
    ents = list(doc.entities.values())
    units = [e for e in ents if e.label == "Amount-Unit"]
    out: dict[str, set] = {"conditions": set(), "number_chains": set(), "devices": set(), "amounts": set()}
    for s in steps:
        for m in s.materials:
            out["amounts"] |= {((u.start, u.end), (m.start, m.end)) for a in m.amounts for u in units
                               if a.start <= u.start and u.end <= a.end}
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
    totals = {k: Counter() for k in ("operations", "conditions", "number_chains", "devices", "amounts", "targets",
                                     "precursors")}
    roles_ok = roles_n = documents = 0
    confusion: Counter = Counter()
    for doc in docs:
        documents += 1
        gold_ops = {(e.start, e.end) for e in doc.entities.values() if e.label == "Operation"}
        lex_ops = {(e.start, e.end) for e in find_operations(doc.text)}
        _count(totals["operations"], lex_ops, gold_ops)
        entities = tagger(doc.text) if tagger else list(doc.entities.values())
        reading = read_synthesis(doc.text, entities)
        gold, pred = gold_pairs(doc), predicted_pairs(doc, reading.steps)
        for k in ("conditions", "number_chains", "devices", "amounts"):
            _count(totals[k], pred[k], gold[k])
        g_roles = gold_roles(doc)
        p_roles = {(m.start, m.end): m.role for m in reading.materials}  # what recipes are built from
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


# ------------------------------------------------------------------------------------------ Kononova records


def _numeric_reaction(r: dict) -> dict | None:
    """Species key -> coefficient of a Kononova ``reaction``, or ``None`` when a coefficient is symbolic or a
    species does not read."""
    try:
        return {_species_key(m["material"]): float(m["amount"])
                for m in r["reaction"]["left_side"] + r["reaction"]["right_side"]}
    except (ValueError, BalanceError):
        return None


def _species_key(formula: str) -> tuple:
    c = species_composition(formula)
    return tuple(sorted((el, round(n, 3)) for el, n in c.items())), c.charge


def _host(formula: str) -> str:
    """The formula a material string reads as (dopants, purities and phase prefixes apart), else itself."""
    try:
        return read_material(formula).formula
    except FormulaError:
        return formula


def reaction_agreement(folder: str | Path | None = None, style: str | None = None, every: int = 1) -> dict:
    """On the held-out Kononova DOIs with a numeric ``reaction``: does :func:`balance` of the record's precursor
    and target formulas (the target read by :func:`matnlp.chem.read_material`, as recipes do, so ``Sr2MgSi2O7:Eu2+``
    is its host) give the same species and coefficients (within 1 %, or 0.001)? ``style`` limits it to one
    dataset, ``every`` to every n-th held-out record (for quick tests)."""
    counts: Counter = Counter()
    problems: Counter = Counter()
    held_out = (r for _, r in reactions(folder, style) if held_out_doi(r["doi"]))
    for i, r in enumerate(held_out):
        if i % every:
            continue
        gold = _numeric_reaction(r)
        if gold is None:
            counts["symbolic"] += 1
            continue
        counts["reactions"] += 1
        try:
            got = balance([p["material_formula"] for p in r["precursors"]], _host(r["target"]["material_formula"]))
        except BalanceError as exc:
            counts["cannot_balance"] += 1
            problems[exc.reason.split(":")[0].split("'")[0].strip()] += 1
            continue
        mine = {_species_key(f): c for f, c in got.coefficients().items()}
        same = mine.keys() == gold.keys() and all(abs(mine[k] - g) <= max(1e-3, 0.01 * abs(g)) for k, g in gold.items())
        counts["agree" if same else "differ"] += 1
    n, balanced = counts["reactions"], counts["agree"] + counts["differ"]
    return {
        **dict(counts),
        "agreement": round(counts["agree"] / n, 4) if n else None,
        "agreement_when_balanced": round(counts["agree"] / balanced, 4) if balanced else None,
        "cannot_balance_reasons": dict(problems.most_common(8)),
    }


def snippet_roles(folder: str | Path | None = None) -> dict:
    """Target and precursor P/R/F1 of the model-free recipe reader on the held-out Kononova ``paragraph_string``
    snippets (the first and last ~50 characters of a paragraph joined by `` <...> ``, not the paragraph). Gold:
    the record's target and precursor strings that stand in the snippet as words of their own (not ``Ni`` in
    ``BaTiO3-Ni`` or ``Al`` in ``Pd20Al80``; records sharing a snippet pooled); only snippets with at least one are
    scored, each part only where it has gold. The cut is read with spaces around it (most snippets glue it to a
    word: ``Sr2ScIrO6<...> for``). Predicted: one name per target/precursor material of the recipe (:func:`_name_of`:
    the mention the record names, else the first; a doped material by its host where the record names it so,
    ``LiBaBO3`` for ``LiBaBO3:Sm3+``), a recipe being read without a step (the cut often takes the verbs: "were
    synth<...>"); a material the cut truncated (:func:`_truncated`) or that stands in no word of its own
    (``SnO2`` of ``xSnO2–(1−x)Fe2O3``), unless gold, is not scored: the gold could not hold it."""
    totals = {k: Counter() for k in ("targets", "precursors")}
    snippets = 0
    for text, g in snippet_gold(folder).items():
        snippets += 1
        materials = extract_materials(text)
        mentions = [span for m in materials for span in m.mentions]
        formulas = {span: m.formula for m in materials if m.formula for span in m.mentions}  # as the pipeline does
        recipes = build_recipes(read_synthesis(text, materials=mentions), [(0, len(text), "snippet")], formulas,
                                need_step=False)
        for part in ("targets", "precursors"):
            named = {(_name_of(text, m.mentions, g[part]), tuple(m.mentions)) for rec in recipes
                     for m in getattr(rec, part)}
            pred = {name for name, spans in named if name in g[part]
                    or not _truncated(text, spans) and any(_stands_at(text, a, b) for a, b in spans)}
            if g[part]:  # else predictions can be neither right nor wrong
                _count(totals[part], pred, g[part])
    out = {k: prf(c["tp"], c["pred"], c["gold"]) for k, c in totals.items()}
    out["snippets"] = snippets
    out["measures"] = ("model-free reader (materials finder + role model) on truncated snippets, recipes without "
                       "steps allowed; gold = record strings standing as words in the snippet")
    return out


def snippet_gold(folder: str | Path | None = None, doi: Callable[[str], bool] = held_out_doi) -> dict[str, dict]:
    """Snippet text (the cut spaced) -> ``{"targets": set, "precursors": set}``: the target and precursor strings
    of the records of the DOIs ``doi`` accepts that stand in the snippet as words (:func:`snippet_roles`), for
    snippets with any."""
    gold: dict[str, dict[str, set]] = {}
    for _, r in reactions(folder):
        if not doi(r["doi"]):
            continue
        text = _CUT.sub(" <...> ", r["paragraph_string"])
        g = gold.setdefault(text, {"targets": set(), "precursors": set()})
        g["targets"] |= {t for t in r["targets_string"] if _stands_in(t, text)}
        g["precursors"] |= {p["material_string"] for p in r["precursors"] if _stands_in(p["material_string"], text)}
    return {text: g for text, g in gold.items() if g["targets"] or g["precursors"]}


_CUT = re.compile(r"\s*<\.\.\.>\s*")
_CUT_WORD_AFTER = re.compile(r" (?:\([IVX]+\) )?(?!(?:and|or|with|was|were|is|are|in|of|to|the|as|for|at|by|from|"
                             r"powders?|metals?|foils?) <)[^\W\d]+ <\.\.\.>", re.IGNORECASE)


def _truncated(text: str, mentions: Iterable[tuple[int, int]]) -> bool:
    """Whether the cut may have truncated a predicted material: each mention touches the cut (``CaCO <...>`` of
    ``CaCO3``, ``<...> H4VO3`` of ``NH4VO3``; the cut falls at a character count, so the snippet does not show where
    a word touching it ends), or is a name followed by a word the cut truncated, which would have named the material
    with it (``titanium butox <...>``, ``cobalt (II) acet <...>``). Such a prediction, unless gold, is neither right
    nor wrong, as a gold string counts only whole."""
    def cut(a: int, b: int) -> bool:
        name = text[a:b]
        return (text.startswith(" <...>", b) or text.endswith("<...> ", 0, a)
                or name.isalpha() and name[1:].islower() and bool(_CUT_WORD_AFTER.match(text, b)))
    return all(cut(a, b) for a, b in mentions)


def _name_of(text: str, mentions: list[tuple[int, int]], names: set[str]) -> str:
    """One name per predicted material: the mention (:func:`named_as`) the gold names, else its first; an
    abbreviation the paper defines for it ("LiMgPO4 (LMP)") is another mention of the same material, not a second
    prediction; so is a name written with its formula, which the record may name together (``Bismuth nitrate
    [Bi(NO3)3·5H2O]``: two mentions side by side, one string)."""
    spans = sorted(mentions)
    together = [text[a : d + 1 if text[d : d + 1] in ")]" else d] for (a, b), (c, d) in zip(spans, spans[1:])
                if c - b <= 3]
    found = [named_as(text[a:b], names) for a, b in mentions]
    return next((n for n in found + together if n in names), found[0])


def named_as(mention: str, names: set[str]) -> str:
    """``mention``, or the host of a doped material (``Tm3+:CaNb2O6``, ``LiBaBO3:Sm3+``, ``Er-doped BaTiO3``,
    ``yttria-stabilized zirconia``), the formula of a phase-prefixed one (``β-SrUO4``) or of one with an oxygen
    offset (``La2NiO4+δ``, ``BaCe0.85Y0.15O(3-α)``: the record leaves the offset out), or the mention with its
    grade (``CaCO3(A.R)``) or structure type (``rutile TiO2``) where only that is in ``names``."""
    if mention in names:
        return mention
    host = _PHASE_PREFIX.sub("", _DOPED_BEFORE.sub("", max(mention.split(":"), key=len)))
    hosts = [h for h in (host, _OXYGEN_OFFSET.sub("", host)) if h in names]
    graded = [n for n in names if n.startswith(mention) and GRADE.fullmatch(n, len(mention))
              or n.endswith(f" {mention}") and n[: -len(mention) - 1].lower() in STRUCTURE_TYPES]
    return hosts[0] if hosts else graded[0] if graded else mention


_DOPED_BEFORE = re.compile(r"(?i)^.*\b(?:co-?)?(?:doped|substituted|stabili[sz]ed)\s+")  # "Er-doped BaTiO3": the host
# An oxygen offset the records leave out: "La2NiO4+δ", "BaCe0.85Y0.15O(3-α)"
_OXYGEN_OFFSET = re.compile(r"\s*(?:[+\-−±]\s*[δαεxy]|\(\s*\d+\s*[-−]\s*[δαεx]\s*\))$")


def _stands_in(mention: str, text: str) -> bool:
    """Whether ``mention`` occurs in ``text`` as a word of its own (:func:`_stands_at`)."""
    return bool(mention) and any(_stands_at(text, m.start(), m.end()) for m in re.finditer(re.escape(mention), text))


def _stands_at(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a word of its own, not glued to letters, digits or the joints of a composite
    name (``-``, ``–``, ``/``, ``·``); a phase prefix before it (``β-SrUO4``) is no joint."""
    if re.match(r"[\w·/–-]", text[end : end + 1]):
        return False
    before = text[max(0, start - 8) : start]
    return not before or before[-1] not in _JOINTS and not before[-1].isalnum() or bool(_PHASE_BEFORE.search(before))


_JOINTS = "_·/–-"
_PHASE_PREFIX = re.compile(rf"^{PHASE_PREFIX}")  # "β-SrUO4": the record names the formula
_PHASE_BEFORE = re.compile(rf"(?<!\w){PHASE_PREFIX}$")
