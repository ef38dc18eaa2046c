"""Distillation (Kim & Rush 2016; Tang et al. 2019): a teacher model reads unlabelled corpus sentences, and a student
trains on that silver data beside the gold data, so that one fast model comes close to the teacher ensemble.

The teacher is a model dir (an ensemble of fine-tuned encoders and BiLSTM-CRFs); the corpus is a ``matnlp ingest``
dir. The sentences are a seeded uniform sample of the corpus's, read as the teacher reads them (its text
processing); with ``synthesis`` only those of the synthesis paragraphs, where the pipeline runs a synthesis model.
The student learns the teacher's emissions (its averaged per-word label scores, "soft labels") on these sentences
and the gold tags on the gold sentences (:func:`matnlp.ner.train_lstm.train_lstm`); a BERT member reads the
teacher's tags.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ..corpus import Corpus
from ..datasets.examples import Example
from ..errors import ConfigError

log = logging.getLogger(__name__)
#: Sentences outside this many model words are left out: headings and fragments teach little, very long runs are
#: tables read as text.
MIN_WORDS, MAX_WORDS = 3, 120


@dataclass(frozen=True)
class DistillSettings:
    """What a recipe's ``[distill]`` table names: the teacher model dir and the corpus dir (relative to the working
    directory), how many corpus sentences it tags, whether only synthesis paragraphs, and the sample's seed."""

    teacher: str
    corpus: str
    sentences: int = 20000
    synthesis: bool = False
    seed: int = 1

    def __post_init__(self):
        if self.sentences < 1:
            raise ConfigError(f"[distill] sentences must be positive, not {self.sentences}")


def _kept(doc_id: str, seed: int, rate: float) -> bool:
    """A stable coin per document: the same documents for a seed, whatever the corpus order or process."""
    digest = hashlib.blake2b(f"{seed}:{doc_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") < rate * 2**64


def sample_sentences(tagger, corpus: Corpus, settings: DistillSettings) -> list[list[str]]:
    """A seeded uniform sample of ``settings.sentences`` corpus sentences as the tagger's words (reservoir sampling
    over the documents a stable coin keeps; every document is read when only synthesis paragraphs count)."""
    from ..extractors.paragraphs import synthesis_paragraphs
    from ..pipeline import sentences_within

    total = int(corpus.manifest.get("sentences") or 0)
    rate = 1.0 if settings.synthesis or not total else min(1.0, 2 * settings.sentences / total)
    rng = random.Random(settings.seed)
    reservoir: list[list[str]] = []
    seen = 0
    for doc in tqdm(corpus, total=len(corpus), desc="sample", unit="doc"):
        if not _kept(doc.id, settings.seed, rate):
            continue
        sents = doc.sentences
        if settings.synthesis:
            sents = sentences_within(sents, [(p.start, p.end) for p in synthesis_paragraphs(doc)])
        for unit in tagger.units(0, doc.text, sents):
            if not MIN_WORDS <= len(unit.words) <= MAX_WORDS or any(w.isspace() or not w for w in unit.words):
                continue
            seen += 1
            if len(reservoir) < settings.sentences:
                reservoir.append(unit.words)
            elif (k := rng.randrange(seen)) < settings.sentences:
                reservoir[k] = unit.words
    log.info("sampled %d of %d eligible corpus sentences", len(reservoir), seen)
    return reservoir


@dataclass
class Silver:
    """The teacher's reading of corpus sentences: hard tags (``examples``), and per sentence its (words, labels)
    emissions, averaged over the teacher's members, with the mask of the words that have any; ``labels`` order the
    emission columns, ``crf`` holds the teacher's decoder (mean transition, start and end scores)."""

    examples: list[Example]
    emissions: list[np.ndarray]
    masks: list[np.ndarray]
    labels: tuple[str, ...]
    crf: dict[str, np.ndarray]

    def save(self, path: str | Path) -> Path:
        """One ``.npz``: words and tags as JSON, emissions (float16) and masks concatenated, the CRF."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        sentences = [[e.words, e.tags] for e in self.examples]
        np.savez_compressed(
            path, sentences=np.array(json.dumps(sentences, ensure_ascii=False)), labels=np.array(self.labels),
            emissions=np.concatenate(self.emissions).astype(np.float16), masks=np.concatenate(self.masks),
            **{f"crf_{k}": v for k, v in self.crf.items()})
        return path

    @classmethod
    def load(cls, path: str | Path) -> Silver:
        path = Path(path)
        try:
            with np.load(path) as z:
                sentences = json.loads(str(z["sentences"]))
                labels = tuple(str(x) for x in z["labels"])
                emissions, masks = z["emissions"].astype(np.float32), z["masks"]
                crf = {k[4:]: z[k] for k in z.files if k.startswith("crf_")}
        except (OSError, KeyError, ValueError) as exc:
            raise ConfigError(f"{path}: not a silver data file ({exc})") from None
        cuts = np.cumsum([len(w) for w, _ in sentences])[:-1]
        examples = [Example(w, t, id=f"{path.name}:{i}", doc=f"{path.name}:{i}") for i, (w, t) in enumerate(sentences)]
        return cls(examples, np.split(emissions, cuts), np.split(masks, cuts), labels, crf)


def label(settings: DistillSettings, device: str = "auto") -> Silver:
    """The teacher's tags and emissions on a sample of the corpus's sentences."""
    from .predict import load

    tagger = load(settings.teacher, device=device)
    words = sample_sentences(tagger, Corpus(settings.corpus), settings)
    if not words:
        raise ConfigError(f"{settings.corpus}: no corpus sentences to distill from")
    logits = tagger.word_logits(words)
    tags = [tagger.decode_sentence(*sent)[0] for sent in logits]
    crf = {}
    if tagger.crf is not None:
        crf = {k: v.detach().cpu().numpy() for k, v in tagger.crf.state_dict().items()}
    examples = [Example(w, t, id=f"silver:{i}", doc=f"silver:{i}") for i, (w, t) in enumerate(zip(words, tags))]
    return Silver(examples, [e for e, _ in logits], [m for _, m in logits], tuple(tagger.labels), crf)
