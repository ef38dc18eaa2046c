"""Linear-chain CRF over word-level emissions, and IOB2-constrained Viterbi decoding (used with or without a CRF)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from .labels import allowed_start, allowed_transitions

FORBIDDEN = -1e4


def constraint_penalties(labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Additive transition and start penalties forbidding invalid IOB2 sequences (``O -> I-X``, ``B-X -> I-Y``)."""
    trans = np.where(np.array(allowed_transitions(labels)), 0.0, FORBIDDEN).astype(np.float32)
    start = np.where(np.array(allowed_start(labels)), 0.0, FORBIDDEN).astype(np.float32)
    return trans, start


class CRF(nn.Module):
    """Learned transition, start and end scores; invalid IOB2 transitions are masked out."""

    def __init__(self, labels: Sequence[str]):
        super().__init__()
        n = len(labels)
        self.transitions = nn.Parameter(torch.zeros(n, n))
        self.start = nn.Parameter(torch.zeros(n))
        self.end = nn.Parameter(torch.zeros(n))
        trans, start = constraint_penalties(labels)
        self.register_buffer("trans_mask", torch.from_numpy(trans), persistent=False)
        self.register_buffer("start_mask", torch.from_numpy(start), persistent=False)

    def scores(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Effective (transitions, start, end) including the IOB2 masks."""
        return self.transitions + self.trans_mask, self.start + self.start_mask, self.end

    def nll(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Mean negative log-likelihood of ``tags`` (B, T) under ``emissions`` (B, T, L); ``mask`` is a prefix mask."""
        keep = mask[:, 0]
        if not keep.any():
            return emissions.sum() * 0.0
        emissions, tags, mask = emissions[keep].float(), tags[keep], mask[keep]
        trans, start, end = self.scores()
        m = mask.to(emissions.dtype)
        emit = emissions.gather(2, tags.unsqueeze(-1)).squeeze(-1)
        last = tags.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)
        score = start[tags[:, 0]] + (emit * m).sum(1) + (trans[tags[:, :-1], tags[:, 1:]] * m[:, 1:]).sum(1) + end[last]
        alpha = start + emissions[:, 0]
        for t in range(1, emissions.shape[1]):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + trans + emissions[:, t].unsqueeze(1), dim=1)
            alpha = torch.where(mask[:, t : t + 1], nxt, alpha)
        return (torch.logsumexp(alpha + end, dim=1) - score).mean()


def gather_words(logits: torch.Tensor, first: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Pack the rows of ``logits`` (B, P, L) at positions ``first`` (B, P bool) into (B, W, L) and a (B, W) mask."""
    counts = first.sum(1)
    width = max(int(counts.max()), 1)
    order = torch.argsort((~first).to(torch.int8), dim=1, stable=True)[:, :width]
    packed = logits.gather(1, order.unsqueeze(-1).expand(-1, -1, logits.shape[-1]))
    mask = torch.arange(width, device=logits.device).unsqueeze(0) < counts.unsqueeze(1)
    return packed, mask


def crf_loss(crf: CRF):
    """A Trainer ``compute_loss_func``: CRF NLL over first-sub-token logits (labels -100 elsewhere)."""

    def loss(outputs, labels, num_items_in_batch=None):
        first = labels != -100
        emissions, mask = gather_words(outputs.logits, first)
        tags, _ = gather_words(labels.clamp(min=0).unsqueeze(-1), first)
        return crf.nll(emissions, tags.squeeze(-1) * mask, mask)

    return loss


def viterbi(emissions: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray) -> list[int]:
    """Best label path for one sentence's (T, L) emissions."""
    if len(emissions) == 0:
        return []
    score = start + emissions[0]
    back = []
    for e in emissions[1:]:
        total = score[:, None] + trans
        back.append(total.argmax(0))
        score = total.max(0) + e
    best = [int((score + end).argmax())]
    for ptr in reversed(back):
        best.append(int(ptr[best[-1]]))
    return best[::-1]


class Decoder:
    """IOB2-valid decoding of word emissions: CRF scores when the model has them, else log-softmax + constraints."""

    def __init__(self, labels: Sequence[str], crf: CRF | None = None):
        trans, start = constraint_penalties(labels)
        end = np.zeros(len(labels), dtype=np.float32)
        self.crf = crf is not None
        if crf is not None:
            with torch.no_grad():
                t, s, e = (x.detach().float().cpu().numpy() for x in crf.scores())
            trans, start, end = t, s, e
        self.trans, self.start, self.end = trans, start, end

    def __call__(self, logits: np.ndarray) -> tuple[list[int], np.ndarray]:
        """Label ids and per-word probabilities of the chosen labels for one sentence's (T, L) logits."""
        logits = np.asarray(logits, dtype=np.float32)
        shifted = logits - logits.max(-1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
        path = viterbi(logits if self.crf else logp, self.trans, self.start, self.end)
        probs = np.exp(logp[np.arange(len(path)), path]) if path else np.zeros(0)
        return path, probs
