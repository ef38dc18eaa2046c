"""NER readers, label scheme helpers, word-piece alignment and sliding windows (no model needed)."""

import itertools

import pytest
import torch

from matnlp.errors import ConfigError
from matnlp.ner.crf import CRF, Decoder, viterbi
from matnlp.ner.data import (
    align_labels,
    document_context,
    load_examples,
    make_windows,
    read_conll,
    read_jsonl,
    window_owners,
    windows,
)
from matnlp.ner.labels import allowed_transitions, bio_labels, spans, tags_from_spans, types_in


@pytest.mark.parametrize("split,count", [("train", 4402), ("dev", 511), ("test", 546)])
def test_matscholar_counts(data, split, count):
    examples = read_conll(data / "matscholar_ner" / f"{split}.txt")
    assert len(examples) == count
    assert all(len(e.words) == len(e.tags) > 0 for e in examples)
    assert set(types_in(e.tags for e in examples)) == {"MAT", "SPL", "DSC", "PRO", "APL", "SMT", "CMT"}


def test_matscholar_quirks(data):
    train = read_conll(data / "matscholar_ner" / "train.txt")
    words = [w for e in train for w in e.words]
    assert "MPam 1/2" in words and "" in words
    dev = read_conll(data / "matscholar_ner" / "dev.txt")
    assert sum(len(e.words) for e in dev) == 12745


@pytest.mark.parametrize("split,docs", [("train", 200), ("dev", 15), ("test", 15)])
def test_mspt_splits(data, split, docs):
    examples = load_examples(data / "mspt" / "splits" / f"ner-{split}-fnames.txt")
    assert len({e.id.rsplit(":", 1)[0] for e in examples}) == docs
    texts = {}
    for e in examples[:40]:
        name = e.id.rsplit(":", 1)[0]
        text = texts.setdefault(name, (data / "mspt" / "data" / f"{name}.txt").read_text(encoding="utf-8"))
        assert [text[a:b] for a, b in e.offsets] == e.words
    assert "Operation" in types_in(e.tags for e in examples)


def test_conll_quirks_and_errors(tmp_path):
    good = tmp_path / "a.conll"
    good.write_text("-DOCSTART- O\n\nLiCoO2 B-MAT\nMPam 1/2  O\n O\n% \n\n\nfilm B-DSC\n", encoding="utf-8")
    ex = read_conll(good)
    assert [e.words for e in ex] == [["LiCoO2", "MPam 1/2", "", "%"], ["film"]]
    assert ex[0].doc == ex[1].doc == "a.conll:1"
    assert ex[0].tags == ["B-MAT", "O", "O", "O"]
    bad = tmp_path / "b.conll"
    bad.write_text("a O\nnolabel\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"b.conll:2"):
        read_conll(bad)
    bad.write_text("a O\nb X-MAT\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"b.conll:2.*IOB2"):
        read_conll(bad)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="empty"):
        load_examples(empty)
    with pytest.raises(ConfigError, match="not found"):
        load_examples(tmp_path / "missing.txt")


def test_jsonl_reader(tmp_path):
    path = tmp_path / "x.jsonl"
    text = "LiFePO4 was annealed at 700 °C. Then SiO2 was added."
    path.write_text(
        '{"text": "%s", "entities": [[0, 7, "MAT"], {"start": 12, "end": 20, "label": "OP"}, [37, 41, "MAT"]]}\n' % text,
        encoding="utf-8",
    )
    ex = read_jsonl(path)
    assert len(ex) == 2
    assert ex[0].tags[:3] == ["B-MAT", "O", "B-OP"] and ex[1].tags[1] == "B-MAT"
    path.write_text('{"text": "abc", "entities": [[0, 9, "MAT"]]}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="outside"):
        read_jsonl(path)


def test_align_labels_first_piece_only():
    label2id = {"O": 0, "B-MAT": 1, "I-MAT": 2}
    word_ids = [None, 0, 0, 0, 1, 2, 2, None]
    assert align_labels(word_ids, ["B-MAT", "I-MAT", "O"], label2id) == [-100, 1, -100, -100, 2, 0, -100, -100]


@pytest.mark.parametrize("counts", [[1] * 10, [3, 1, 0, 5, 2, 2, 9, 1], [20], [], [2, 30, 1, 1]])
@pytest.mark.parametrize("budget,stride", [(4, 1), (6, 3), (100, 8)])
def test_windows_cover_everything(counts, budget, stride):
    spans_ = windows(counts, budget, stride)
    assert spans_[0][0] == 0 and spans_[-1][1] == len(counts)
    for (a, b), (c, d) in itertools.pairwise(spans_):
        assert a < c <= b  # progress and no gap
    for a, b in spans_:
        assert sum(counts[a:b]) <= budget or b - a == 1
    owners = window_owners(spans_)
    covered = [w for lo, hi in owners for w in range(lo, hi)]
    assert covered == list(range(len(counts)))
    assert all(a <= lo <= hi <= b for (a, b), (lo, hi) in zip(spans_, owners))


def test_document_context_on_real_mspt(data):
    """FLERT-style context: each sentence sees the tail/head of its own document's neighbours, never another's."""
    from transformers import AutoTokenizer

    from matnlp.ner.data import special_ids, word_pieces
    from matnlp.ner.bases import resolve_base

    tokenizer = AutoTokenizer.from_pretrained(resolve_base(None), local_files_only=True)
    examples = load_examples(data / "mspt" / "splits" / "ner-dev-fnames.txt")
    docs = [e.doc for e in examples]
    assert len(set(docs)) == 15 and all(e.id.startswith(e.doc + ":") for e in examples)
    pieces = word_pieces(tokenizer, [e.words for e in examples])
    flat = [[p for w in sent for p in w] for sent in pieces]
    contexts = document_context(pieces, docs, 24)
    for i, ctx in enumerate(contexts):
        before = [p for j in range(i) if docs[j] == docs[i] for p in flat[j]]
        after = [p for j in range(i + 1, len(flat)) if docs[j] == docs[i] for p in flat[j]]
        assert ctx.left == before[-24:] if before else ctx.left == []
        assert ctx.right == after[:24]
    assert any(c.left for c in contexts) and any(not c.left for c in contexts)
    assert document_context(pieces, docs, 0)[5].left == []
    cls_id, sep_id = special_ids(tokenizer)
    for sent, ctx in zip(pieces[:30], contexts):
        for win in make_windows(sent, cls_id, sep_id, max_length=80, stride=8, context=12, around=ctx):
            assert len(win.input_ids) <= 80
            labelled = [w for w in win.word_ids if w is not None]
            a, b = win.span
            assert labelled == [w for w in range(a, b) for _ in sent[w]]
            first = win.word_ids.index(a)
            left = ctx.left + [p for w in sent[:a] for p in w]
            assert win.input_ids[1:first] == left[len(left) - min(12, len(left)):]
    with pytest.raises(ConfigError, match="of context"):
        make_windows(pieces[0], cls_id, sep_id, max_length=20, stride=4, context=10)


def test_make_windows_truncates_only_giant_words():
    pieces = [[5], [6, 7], list(range(100, 140)), [8]]
    wins = make_windows(pieces, 1, 2, max_length=10, stride=2)
    assert all(len(w.input_ids) <= 10 for w in wins)
    assert {w for win in wins for w in win.word_ids if w is not None} == {0, 1, 2, 3}


def test_label_helpers():
    tags = ["B-MAT", "I-MAT", "O", "I-PRO", "B-PRO", "B-PRO", "I-PRO"]
    assert spans(tags) == [(0, 2, "MAT"), (3, 4, "PRO"), (4, 5, "PRO"), (5, 7, "PRO")]
    assert tags_from_spans(4, [(1, 3, "X")]) == ["O", "B-X", "I-X", "O"]
    labels = bio_labels(["A"])
    assert allowed_transitions(labels) == [[True, True, False], [True, True, True], [True, True, True]]


def test_crf_matches_brute_force():
    labels = bio_labels(["A", "B"])
    crf = CRF(labels)
    torch.manual_seed(0)
    with torch.no_grad():
        for p in crf.parameters():
            p.normal_()
    emissions = torch.randn(2, 4, len(labels))
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]]).bool()
    tags = torch.tensor([[0, 1, 2, 0], [3, 4, 0, 0]])
    trans, start, end = (x.detach() for x in crf.scores())

    def path_score(e, p):
        return start[p[0]] + e[0, p[0]] + sum(trans[p[i - 1], p[i]] + e[i, p[i]] for i in range(1, len(p))) + end[p[-1]]

    expected = 0.0
    for b, n in [(0, 4), (1, 3)]:
        e = emissions[b, :n]
        paths = list(itertools.product(range(len(labels)), repeat=n))
        all_scores = torch.stack([path_score(e, p) for p in paths])
        expected += float(torch.logsumexp(all_scores, 0) - path_score(e, tags[b, :n].tolist())) / 2
        best = paths[int(all_scores.argmax())]
        assert viterbi(e.numpy(), trans.numpy(), start.numpy(), end.numpy()) == list(best)
    assert float(crf.nll(emissions, tags, mask).detach()) == pytest.approx(expected, rel=1e-5)


def test_constrained_decoding_is_valid_iob2():
    labels = bio_labels(["A", "B"])
    decode = Decoder(labels)
    logits = torch.randn(50, 6, len(labels)).numpy()
    for row in logits:
        path, probs = decode(row)
        tags = [labels[i] for i in path]
        assert all(t[2:] == p[2:] and p != "O" for p, t in zip(["O", *tags], tags) if t.startswith("I-"))
        assert ((probs > 0) & (probs <= 1)).all()
