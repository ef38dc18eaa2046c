"""IOB2 label schemes: label lists, span <-> tag conversion, validation and allowed transitions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from ..errors import ConfigError

OUTSIDE = "O"
MATSCHOLAR = ("MAT", "SPL", "DSC", "PRO", "APL", "SMT", "CMT")
SCHEMES = {"matscholar": MATSCHOLAR}


def entity_type(tag: str) -> str | None:
    """``"B-MAT"`` -> ``"MAT"``; ``"O"`` -> ``None``."""
    return None if tag == OUTSIDE else tag[2:]


def bio_labels(types: Iterable[str]) -> list[str]:
    """``O`` followed by ``B-``/``I-`` for each type, in the given order."""
    labels = [OUTSIDE]
    for t in types:
        labels += [f"B-{t}", f"I-{t}"]
    return labels


def check_tag(tag: str) -> str:
    """Return ``tag`` if it is ``O`` or ``B-X``/``I-X``; raise ``ValueError`` otherwise."""
    if tag != OUTSIDE and not (len(tag) > 2 and tag[:2] in ("B-", "I-")):
        raise ValueError(f"not an IOB2 tag: {tag!r}")
    return tag


def types_in(tag_lists: Iterable[Sequence[str]], min_count: int = 1) -> list[str]:
    """Entity types (counted by ``B-`` tags) occurring at least ``min_count`` times, most frequent first."""
    counts = Counter(t[2:] for tags in tag_lists for t in tags if t.startswith("B-"))
    return [t for t, n in counts.most_common() if n >= min_count]


def spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Entity spans ``(first, end, type)`` (word indices, end exclusive); a stray ``I-X`` starts a new entity."""
    out: list[tuple[int, int, str]] = []
    start, kind = None, None
    for i, tag in enumerate([*tags, OUTSIDE]):
        t = entity_type(tag)
        if start is not None and (t != kind or tag.startswith("B-")):
            out.append((start, i, kind))
            start, kind = None, None
        if t is not None and start is None:
            start, kind = i, t
    return out


def tags_from_spans(n: int, entity_spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """IOB2 tags for ``n`` words from ``(first, end, type)`` spans (spans must not overlap)."""
    tags = [OUTSIDE] * n
    for a, b, t in entity_spans:
        tags[a] = f"B-{t}"
        for i in range(a + 1, b):
            tags[i] = f"I-{t}"
    return tags


def restrict(tags: Sequence[str], types: set[str]) -> list[str]:
    """Map tags whose type is not in ``types`` to ``O``."""
    return [t if entity_type(t) in types else OUTSIDE for t in tags]


def check_known(tag_lists: Iterable[Sequence[str]], labels: Sequence[str], where: str) -> None:
    """Raise :class:`ConfigError` naming the labels in ``tag_lists`` that are not in ``labels``."""
    known = set(labels)
    unknown = sorted({t for tags in tag_lists for t in tags} - known)
    if unknown:
        raise ConfigError(f"{where}: labels not in the model's label set {sorted(known)}: {unknown}")


def allowed_transitions(labels: Sequence[str]) -> list[list[bool]]:
    """``allowed[i][j]``: may label ``j`` follow label ``i`` in strict IOB2 (``I-X`` only after ``B-X``/``I-X``)."""
    return [[_allowed(a, b) for b in labels] for a in labels]


def allowed_start(labels: Sequence[str]) -> list[bool]:
    """Labels that may open a sentence (anything but ``I-``)."""
    return [not b.startswith("I-") for b in labels]


def _allowed(prev: str, tag: str) -> bool:
    return not tag.startswith("I-") or (prev != OUTSIDE and prev[2:] == tag[2:])
