"""NER recipes: what a shipped model is made of, in a TOML file; ``matnlp ner build RECIPE -o OUT`` makes it.

A recipe names the members (BERT fine-tunes and word-level BiLSTM-CRFs, with their settings and seeds), the data
they train on, and whether the model is their ensemble. The shipped ones live in ``matnlp/ner/recipes/``
(``matscholar-quick``, ``matscholar-full``, ``mspt-quick``, ``mspt-full``: what ``make ner`` builds for
``PROFILE=quick`` and ``PROFILE=full``)::

    ensemble = true               # the model is the members' ensemble (false: the one member is the model)

    [data]                        # paths relative to $MATNLP_DATA, or absolute
    train = ["matscholar_ner/train.txt"]
    dev = "matscholar_ner/dev.txt"
    test = "matscholar_ner/test.txt"
    min_count = 1                 # also: processing ("auto"), brat_dir, limit (as in `matnlp ner train`)
                                  # a data set may also be a MuLMS split: "mulms:train", "mulms:dev:PROPERTY,MAT"

    [bert]                        # settings of every BERT member (TrainSettings, `matnlp ner train --help`)
    crf = true

    [lstm]                        # settings of every BiLSTM-CRF member (LSTMSettings, `ner train-lstm --help`)
    embeddings = "models/w2v"

    [[members]]
    kind = "bert"                 # or "lstm"; every other key is a setting of this member
    base = "minilm"
    lr = 2e-4
    seed = 1

    [distill]                     # optional: the members also train on a teacher's tags of corpus sentences
    teacher = "models/ner-matscholar-teacher"   # model dir, relative to the working directory (as corpus)
    corpus = "corpus"
    sentences = 20000             # also: synthesis (only synthesis paragraphs), seed (DistillSettings)

A member's settings are the defaults, then ``[data] min_count``, then its kind's table, then its own keys. With
``[data] dev``, the built model's entity confidences are then calibrated on it (:mod:`matnlp.ner.calibrate`).
"""

from __future__ import annotations

import importlib
import tomllib
import types
import typing
from dataclasses import MISSING, dataclass, fields, replace
from pathlib import Path

from ..config import data_dir
from ..datasets.mulms import is_spec
from ..errors import ConfigError
from .distill import DistillSettings
from .modeldir import PROCESSING

if typing.TYPE_CHECKING:
    from .train import TrainSettings
    from .train_lstm import LSTMSettings

RECIPES_DIR = Path(__file__).parent / "recipes"
KINDS = {"bert": "matnlp.ner.train:TrainSettings", "lstm": "matnlp.ner.train_lstm:LSTMSettings"}
"""Member kinds and their settings: a fine-tune (:func:`matnlp.ner.train.train`) or a BiLSTM-CRF
(:func:`matnlp.ner.train_lstm.train_lstm`); imported when a recipe is read, so listing recipes imports no torch."""
TOP_KEYS = {"ensemble", "data", "members", "distill", *KINDS}
DATA_KEYS = {"train", "dev", "test", "min_count", "processing", "brat_dir", "limit"}


@dataclass(frozen=True)
class RecipeData:
    """The data every member trains on (absolute paths); named as the options of ``matnlp ner train``."""

    train: tuple[str, ...]
    dev: str | None = None
    test: str | None = None
    brat_dir: str | None = None
    limit: int | None = None
    processing: str = "auto"


@dataclass(frozen=True)
class Member:
    """One model of a recipe: its kind, its settings, and ``name``, the dir it is trained into (``BASE-sSEED``,
    ``lstm-sSEED`` for a BiLSTM-CRF)."""

    kind: str
    settings: TrainSettings | LSTMSettings
    name: str


@dataclass(frozen=True)
class Recipe:
    name: str
    data: RecipeData
    members: tuple[Member, ...]
    ensemble: bool
    distill: DistillSettings | None = None


def available() -> list[str]:
    """Names of the shipped recipes."""
    return sorted(p.stem for p in RECIPES_DIR.glob("*.toml"))


def load_recipe(source: str | Path, base: str | None = None, embeddings: str | None = None,
                device: str | None = None) -> Recipe:
    """Read a recipe: a shipped one by name (:func:`available`) or a ``.toml`` file.

    ``base`` replaces the base of every BERT member and ``embeddings`` the vectors of every BiLSTM-CRF member
    (member names keep the recipe's bases); ``device`` is where every member trains.
    """
    path = Path(source)
    if path.suffix != ".toml":
        if str(source) not in available():
            raise ConfigError(f"no recipe {str(source)!r}: give a .toml file or one of {', '.join(available())}")
        path = RECIPES_DIR / f"{source}.toml"
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not a valid TOML recipe ({exc})") from None
    where = str(path)
    _known(raw, TOP_KEYS, where)
    data = raw.get("data", {})
    _known(data, DATA_KEYS, f"{where} [data]")
    distill = _settings(DistillSettings, raw["distill"], f"{where} [distill]") if "distill" in raw else None
    ensemble = raw.get("ensemble")
    if not isinstance(ensemble, bool):
        raise ConfigError(f"{where}: ensemble must be true or false")
    overrides = {"bert": {"base": base}, "lstm": {"embeddings": embeddings}}
    members = []
    for i, entry in enumerate(raw.get("members", [])):
        kind = entry.get("kind")
        if kind not in KINDS:
            raise ConfigError(f"{where} member {i + 1}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
        values = {**{k: data[k] for k in ("min_count",) if k in data}, **raw.get(kind, {}),
                  **{k: v for k, v in entry.items() if k != "kind"}}
        module, _, name = KINDS[kind].partition(":")
        settings = _settings(getattr(importlib.import_module(module), name), values, f"{where} member {i + 1}")
        label = "lstm" if kind == "lstm" else Path(settings.base or "minilm").name
        changes = {k: v for k, v in {**overrides[kind], "device": device}.items() if v is not None}
        members.append(Member(kind, replace(settings, **changes), f"{label}-s{settings.seed}"))
    names = [m.name for m in members]
    if len(set(names)) < len(names):
        raise ConfigError(f"{where}: two members would train into one dir ({', '.join(names)}); vary their seeds")
    if ensemble != (len(members) > 1):
        raise ConfigError(f"{where}: an ensemble needs two members or more, a single model exactly one; "
                          f"{len(members)} given")
    return Recipe(path.stem, _data(data, where), tuple(members), ensemble, distill)


def _known(table: dict, keys: set, where: str) -> None:
    unknown = sorted(set(table) - keys)
    if unknown:
        raise ConfigError(f"{where}: unknown keys {unknown}; known: {sorted(keys)}")


def _data(data: dict, where: str) -> RecipeData:
    train = data.get("train")
    train = [train] if isinstance(train, str) else train
    if not train or not all(isinstance(p, str) for p in train):
        raise ConfigError(f"{where} [data]: train must be a path or a list of paths")
    processing = data.get("processing", "auto")
    if processing not in ("auto", *PROCESSING):
        raise ConfigError(f"{where} [data]: processing must be auto or one of {PROCESSING}, not {processing!r}")
    if not isinstance(data.get("limit", 0), int):
        raise ConfigError(f"{where} [data]: limit must be a number of sentences")
    paths = {k: _path(data[k]) for k in ("dev", "test", "brat_dir") if data.get(k)}
    return RecipeData(tuple(_path(p) for p in train), limit=data.get("limit"), processing=processing, **paths)


def _path(spec: str) -> str:
    """A [data] path under ``$MATNLP_DATA`` (an absolute one unchanged); a MuLMS split spec as it is."""
    return spec if is_spec(spec) else str(data_dir() / spec)


def _settings(cls: type, values: dict, where: str):
    """``cls(**values)`` with each value checked against its field's type (a TOML integer is a float's value) and
    choices; ``processing`` is a data setting."""
    known = {f.name: f for f in fields(cls) if f.name != "processing"}
    _known(values, set(known), where)
    hints = typing.get_type_hints(cls)
    checked = {}
    for key, value in values.items():
        kind = hints[key]
        if isinstance(kind, types.UnionType):  # X | None: TOML has no null, so X
            kind = next(a for a in typing.get_args(kind) if a is not type(None))
        if typing.get_origin(kind) is list:
            ok = isinstance(value, list) and all(isinstance(v, typing.get_args(kind)[0]) for v in value)
        elif kind is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        else:
            ok = isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
        if not ok:
            raise ConfigError(f"{where}: {key} must be {kind.__name__ if isinstance(kind, type) else kind}, "
                              f"not {value!r}")
        if value not in known[key].metadata.get("choices", (value,)):
            raise ConfigError(f"{where}: {key} must be one of {known[key].metadata['choices']}, not {value!r}")
        checked[key] = value
    missing = [f.name for f in fields(cls) if f.name not in checked and f.default is MISSING
               and f.default_factory is MISSING]
    if missing:
        raise ConfigError(f"{where}: {', '.join(missing)} must be given")
    return cls(**checked)
