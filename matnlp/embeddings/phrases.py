"""mat2vec phrases: gensim ``Phrases`` passes over the processed sentences, kept as a readable JSON phrase model."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

from ..errors import ModelError

log = logging.getLogger(__name__)


NUM = "<nUm>"
DELIMITER = "_"
#: Words allowed inside a phrase but never at its ends (gensim 4's ``connector_words``, mat2vec's ``common_terms``).
CONNECTOR_WORDS = ENGLISH_CONNECTOR_WORDS | frozenset("as into than over under 's ’s".split())


# --------------------------------------------------------------------------------------------------- phrases

def is_barrier(token: str) -> bool:
    """True for tokens a phrase never spans: punctuation and the number placeholder."""
    return token == NUM or not any(ch.isalnum() for ch in token)


def _segments(tokens: list[str]) -> Iterator[list[str]]:
    """The runs of ``tokens`` between barriers."""
    run: list[str] = []
    for token in tokens:
        if is_barrier(token):
            if run:
                yield run
            run = []
        else:
            run.append(token)
    if run:
        yield run


@dataclass
class PhraseModel:
    """Phrase passes (``phrasegram -> score`` per pass) applied greedily left to right, as gensim does."""

    passes: list[dict[str, float]]
    connector_words: frozenset[str] = CONNECTOR_WORDS
    min_count: int = 10
    threshold: float = 15.0

    @classmethod
    def learn(cls, corpus: Callable[[], Iterable[list[str]]], passes: int = 2, min_count: int = 10,
              threshold: float = 15.0) -> PhraseModel:
        """Learn ``passes`` layers of phrases from ``corpus()`` (a fresh iterable of token lists per call)."""
        model = cls([], min_count=min_count, threshold=threshold)
        for number in range(1, passes + 1):
            stream = (seg for sent in corpus() for seg in _segments(model.apply(sent)))
            learner = Phrases(stream, min_count=min_count, threshold=threshold, delimiter=DELIMITER,
                              connector_words=model.connector_words, progress_per=10**9)
            grams = learner.export_phrases()
            log.info("phrase pass %d: %d phrasegrams", number, len(grams))
            model.passes.append(grams)
        return model

    def apply(self, tokens: list[str]) -> list[str]:
        """``tokens`` with every learned phrase joined by ``_``."""
        for grams in self.passes:
            tokens = self._join(tokens, grams)
        return tokens

    def _join(self, tokens: list[str], grams: dict[str, float]) -> list[str]:
        out: list[str] = []
        start, between = None, []
        for word in tokens:
            if word in self.connector_words and start is not None:
                between.append(word)
                continue
            if start is not None:
                phrase = DELIMITER.join([start, *between, word])
                if phrase in grams:
                    out.append(phrase)
                    start, between = None, []
                    continue
                out.append(start)
                out.extend(between)
                start, between = None, []
            if is_barrier(word) or word in self.connector_words:
                out.append(word)
            else:
                start = word
        if start is not None:
            out.append(start)
            out.extend(between)
        return out

    def phrasegrams(self) -> dict[str, float]:
        """All phrasegrams of all passes."""
        return {g: s for grams in self.passes for g, s in grams.items()}

    def save(self, path: Path) -> None:
        data = {"delimiter": DELIMITER, "connector_words": sorted(self.connector_words), "min_count": self.min_count,
                "threshold": self.threshold, "barriers": f"punctuation and {NUM}",
                "passes": [dict(sorted(g.items(), key=lambda kv: -kv[1])) for g in self.passes]}
        Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> PhraseModel:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls([{g: float(s) for g, s in p.items()} for p in data["passes"]],
                       frozenset(data["connector_words"]), data["min_count"], data["threshold"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"{path}: not a readable phrase model ({exc})") from exc
