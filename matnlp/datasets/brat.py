"""brat standoff annotation: a ``NAME.txt`` text and its ``NAME.ann`` annotations, parsed into typed records.

The ``.ann`` lines read (https://brat.nlplab.org/standoff.html); other lines (notes ``#``, normalizations ``N``,
equivalences ``*``) and blank lines are skipped:

- ``T1<TAB>Label START END[;START END ...]<TAB>surface``: a text-bound annotation (entity or event trigger); a
  discontinuous one keeps its fragments, ``start``/``end`` are the first start and the last end;
- ``R1<TAB>Type Arg1:T1 Arg2:T2``: a relation;
- ``E1<TAB>Type:T1 Role:T2 Role:E3 ...``: an event, its trigger and arguments;
- ``A1<TAB>Name T1 [VALUE]`` (or ``M1``): an attribute.

Offsets index the whole ``.txt``. A malformed line or, when the text is given, a span outside it raises
:class:`~matnlp.errors.ConfigError` naming the file and line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError


@dataclass(frozen=True, slots=True)
class TextBound:
    """A text-bound annotation: its label, character span, fragments and the surface text written in the .ann."""

    id: str
    label: str
    start: int
    end: int
    fragments: tuple[tuple[int, int], ...]
    surface: str = ""


@dataclass(frozen=True, slots=True)
class Relation:
    """A binary relation; ``args`` are ``(role, annotation id)`` pairs in file order (``Arg1`` then ``Arg2``)."""

    id: str
    type: str
    args: tuple[tuple[str, str], ...]

    @property
    def arg1(self) -> str:
        return self.args[0][1]

    @property
    def arg2(self) -> str:
        return self.args[1][1]


@dataclass(frozen=True, slots=True)
class Event:
    """An event: its type, the id of its trigger (a text-bound annotation) and ``(role, id)`` arguments."""

    id: str
    type: str
    trigger: str
    args: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Attribute:
    """An attribute (``A``/``M`` line) of the annotation ``target``; ``value`` is ``None`` for a binary one."""

    id: str
    type: str
    target: str
    value: str | None = None


@dataclass(slots=True)
class Annotations:
    """The contents of one ``.ann`` file, each kind in file order (text-bound annotations by id)."""

    entities: dict[str, TextBound] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)

    def trigger_of(self, ident: str) -> str:
        """The trigger id of event ``ident``; any other id unchanged (relations may point at events)."""
        return next((e.trigger for e in self.events if e.id == ident), ident)


@dataclass(slots=True)
class BratDocument:
    """A ``NAME.txt`` text with its annotations; ``name`` is the file stem."""

    name: str
    text: str
    annotations: Annotations


def ann_path(txt_path: str | Path) -> Path:
    """The ``.ann`` file beside a brat ``.txt``."""
    return Path(txt_path).with_suffix(".ann")


def parse_ann(lines: Iterable[str], text: str | None = None, source: str | Path = "<ann>") -> Annotations:
    """Parse ``.ann`` lines (see the module docstring); with ``text``, every span must lie inside it."""
    ann = Annotations()
    for lineno, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        kind = line[:1]
        if kind not in ("T", "R", "E", "A", "M"):
            continue
        try:
            ident, rest = line.split("\t", 1)
            if kind == "T":
                entity = _text_bound(ident, rest)
            elif kind == "R":
                rtype, *args = rest.split()
                ann.relations.append(Relation(ident, rtype, tuple(_role_arg(a) for a in args)))
            elif kind == "E":
                head, *args = rest.split()
                etype, trigger = head.split(":")
                ann.events.append(Event(ident, etype, trigger, tuple(_role_arg(a) for a in args)))
            else:
                atype, target, *value = rest.split()
                ann.attributes.append(Attribute(ident, atype, target, value[0] if value else None))
        except ValueError:
            what = "text-bound annotation" if kind == "T" else "annotation"
            raise ConfigError(f"{source}:{lineno}: malformed brat {what} {line!r}") from None
        if kind == "T":
            if text is not None and not 0 <= entity.start < entity.end <= len(text):
                raise ConfigError(f"{source}:{lineno}: offsets ({entity.start}, {entity.end}) outside the text")
            ann.entities[ident] = entity
    return ann


def _text_bound(ident: str, rest: str) -> TextBound:
    middle, surface = rest.split("\t", 1)
    label, offsets = middle.split(" ", 1)
    fragments = tuple(_fragment(frag) for frag in offsets.split(";"))
    return TextBound(ident, label, fragments[0][0], fragments[-1][1], fragments, surface)


def _fragment(frag: str) -> tuple[int, int]:
    a, b = map(int, frag.split())
    return a, b


def _role_arg(arg: str) -> tuple[str, str]:
    role, ident = arg.split(":")
    return role, ident


def read_ann(path: str | Path, text: str | None = None) -> Annotations:
    """Parse one ``.ann`` file (see :func:`parse_ann`)."""
    path = Path(path)
    return parse_ann(path.read_text(encoding="utf-8").splitlines(), text, path)


def read_document(txt_path: str | Path) -> BratDocument:
    """Read ``NAME.txt`` and its ``NAME.ann``; spans are checked against the text."""
    txt_path = Path(txt_path)
    text = txt_path.read_text(encoding="utf-8")
    return BratDocument(txt_path.stem, text, read_ann(ann_path(txt_path), text))
