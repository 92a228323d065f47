"""Running one Argos package: tokenizers, CTranslate2 translators, batches.

Tokenisation is argostranslate's (``argostranslate/tokenizer.py``):

* SentencePiece packages: ``encode(out_type=str)``; decoding joins the pieces and turns
  the word marker into spaces.  (argostranslate also turns every underscore into a
  space, which breaks ``user_name``; polyclean keeps underscores.)
* BPE packages (``bpe.model``, OPUS-MT conversions): Moses punctuation normalisation and
  tokenisation for the source language (sacremoses), subword-nmt's ``BPE`` with the
  ``@@`` separator; decoding joins ``@@ `` and detokenises with Moses for the target
  language.

Translators load lazily, once per process (a module-level cache), with the compute
type the user chose or, by default, none: CTranslate2 then runs the model in the type
it was saved in, as argostranslate's main branch does since PR #511 (forcing ``auto``
made some packages produce garbage).  Sentences go to the model in batches of
sentences of the *same* token length, so no sentence is ever padded: a sentence's
translation does not depend on the other sentences of its batch (CTranslate2 #693),
so output and cache contents never depend on how documents were spread over workers.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

from .. import models as _models
from ..config import Config
from ..errors import PackageLoadError, TranslationError

LENGTH_PENALTY = 0.2  # as argostranslate decodes
UNK = "<unk>"
_MODELS: dict[tuple, "Loaded"] = {}
_MODELS_LOCK = threading.Lock()
_STATS = {"model_loads": 0, "model_calls": 0, "sentences_translated": 0, "batches": 0}


def model_stats() -> dict[str, int]:
    """Process-wide counters: model loads, package runs, sentences sent, batches."""
    return dict(_STATS)


# --- tokenizers --------------------------------------------------------------------------
class SentencePieceTokenizer:
    name = "sentencepiece"

    def __init__(self, path: str) -> None:
        import sentencepiece

        self.sp = sentencepiece.SentencePieceProcessor(model_file=path)

    def encode(self, sentence: str) -> list[str]:
        return self.sp.encode(sentence, out_type=str)

    def decode(self, tokens: list[str]) -> str:
        return self.sp.decode_pieces(tokens).replace("\u2581", " ").strip()


class BPETokenizer:
    """Moses + subword-nmt, exactly as argostranslate's ``BPETokenizer``."""

    name = "bpe"

    def __init__(self, path: str, from_code: str, to_code: str) -> None:
        from sacremoses import MosesDetokenizer, MosesPunctNormalizer, MosesTokenizer
        from subword_nmt.apply_bpe import BPE

        self.tokenizer = MosesTokenizer(from_code)
        self.detokenizer = MosesDetokenizer(to_code)
        self.normalizer = MosesPunctNormalizer(from_code)
        with open(path, encoding="utf-8") as fh:
            self.bpe = BPE(fh)

    def encode(self, sentence: str) -> list[str]:
        normalized = self.normalizer.normalize(sentence)
        tokenized = " ".join(self.tokenizer.tokenize(normalized))
        return self.bpe.segment_tokens(tokenized.strip("\r\n ").split(" "))

    def decode(self, tokens: list[str]) -> str:
        return self.detokenizer.detokenize(" ".join(tokens).replace("@@ ", "").split(" "))


def load_tokenizer(pkg: _models.PackageInfo) -> SentencePieceTokenizer | BPETokenizer:
    if pkg.tokenizer == "bpe":
        return BPETokenizer(str(pkg.tokenizer_file), pkg.from_code, pkg.to_code)
    return SentencePieceTokenizer(str(pkg.tokenizer_file))


# --- translators ---------------------------------------------------------------------------
def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def threads(config: Config) -> int:
    """CTranslate2 threads per translator: ``config.threads``, or the cores shared among
    ``config.workers`` worker processes (at most 4, at least 1)."""
    return config.threads or max(1, min(4, cores() // max(1, config.workers)))


@dataclass
class Loaded:
    translator: Any
    tokenizer: Any
    compute_type: str


def load(pkg: _models.PackageInfo, config: Config) -> Loaded:
    """The translator and tokenizer of ``pkg`` (loaded once per process and options).

    Raises :class:`PackageLoadError` when the package cannot be loaded (a truncated
    ``model.bin``, a broken tokenizer), :class:`TranslationError` when the device is
    missing.
    """
    key = (str(pkg.path), pkg.fingerprint(), config.device, config.device_index,
           config.compute_type, threads(config))
    with _MODELS_LOCK:
        if key in _MODELS:
            return _MODELS[key]
        import ctranslate2

        if config.device == "cuda" and ctranslate2.get_cuda_device_count() <= config.device_index:
            raise TranslationError(
                f"--device cuda was asked for, but CTranslate2 sees "
                f"{ctranslate2.get_cuda_device_count()} CUDA device(s) (device index "
                f"{config.device_index}; use --device cpu)")
        kwargs = {"compute_type": config.compute_type} if config.compute_type else {}
        try:
            translator = ctranslate2.Translator(
                str(pkg.path / "model"), device=config.device, device_index=config.device_index,
                inter_threads=1, intra_threads=threads(config), **kwargs)
            tokenizer = load_tokenizer(pkg)
        except Exception as exc:  # CTranslate2 raises RuntimeError/ValueError variants
            raise PackageLoadError(pkg, f"package {pkg.key} in {pkg.path} cannot be loaded: "
                                        f"{str(exc).splitlines()[0] if str(exc) else exc!r}")
        loaded = Loaded(translator, tokenizer, translator.compute_type)
        _MODELS[key] = loaded
        _STATS["model_loads"] += 1
        return loaded


@dataclass
class Hypothesis:
    """The model's output for one sentence."""

    text: str
    score: float
    unknown: int  # <unk> tokens the model produced (copied from the source after)
    tokens: int  # output tokens
    error: str | None = None  # the package failed on this sentence: why (never cached)


def _replace_unknowns(hyp: list[str], attention: list[list[float]], source: list[str]
                      ) -> tuple[list[str], int]:
    """CTranslate2's ``replace_unknowns``: each ``<unk>`` takes the source token it
    attends to most; also return how many there were."""
    out, n = [], 0
    for t, tok in enumerate(hyp):
        if tok == UNK:
            n += 1
            att = attention[t] if t < len(attention) else []
            pos = max(range(len(att)), key=att.__getitem__) if att else len(source)
            tok = source[pos] if pos < len(source) else tok
        out.append(tok)
    return out, n


def run_package(pkg: _models.PackageInfo, sentences: list[str], config: Config
                ) -> list[Hypothesis]:
    """Translate distinct sentences with one package (batches of equal token length)."""
    if not sentences:
        return []
    loaded = load(pkg, config)
    tokens = [loaded.tokenizer.encode(s) for s in sentences]
    groups: dict[int, list[int]] = {}
    for i, t in enumerate(tokens):
        groups.setdefault(len(t), []).append(i)
    out: list[Hypothesis | None] = [None] * len(sentences)
    for length in sorted(groups):
        idx = groups[length]
        for k in range(0, len(idx), config.batch_size):
            chunk = idx[k:k + config.batch_size]
            _run_batch(pkg, loaded, config, [tokens[i] for i in chunk], chunk, out)
    _STATS["model_calls"] += 1
    _STATS["sentences_translated"] += len(sentences)
    return out  # type: ignore[return-value]


def _run_batch(pkg: _models.PackageInfo, loaded: Loaded, config: Config,
               batch: list[list[str]], where: list[int], out: list) -> None:
    """Translate one batch into ``out``.  When CTranslate2 fails on the batch, each of
    its sentences is run again alone, and a sentence that fails alone gets a
    :class:`Hypothesis` with ``error`` set: one sentence the package cannot take (longer
    than its position encodings, say) fails alone, and the package stays in use for
    every other sentence.  A sentence's outcome is the one it has alone whichever
    sentences shared its batch, so output never depends on ``-j`` or the cache."""
    try:
        results = _translate_batch(pkg, loaded, config, batch)
    except RuntimeError as exc:
        if len(batch) == 1:
            out[where[0]] = Hypothesis("", 0.0, 0, 0, error=(
                f"package {pkg.key} in {pkg.path} failed while translating: "
                f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"))
            return
        for i, src in zip(where, batch):
            _run_batch(pkg, loaded, config, [src], [i], out)
        return
    _STATS["batches"] += 1
    for i, src, res in zip(where, batch, results):
        hyp = list(res.hypotheses[0])
        attention = list(res.attention[0]) if res.attention else []
        if pkg.target_prefix and hyp[:1] == [pkg.target_prefix]:
            hyp, attention = hyp[1:], attention[1:]
        hyp, unknown = _replace_unknowns(hyp, attention, src)
        out[i] = Hypothesis(loaded.tokenizer.decode(hyp), float(res.scores[0]), unknown,
                            len(hyp))


def _translate_batch(pkg: _models.PackageInfo, loaded: Loaded, config: Config,
                     batch: list[list[str]]):
    prefix = [[pkg.target_prefix] for _ in batch] if pkg.target_prefix else None
    return loaded.translator.translate_batch(
        batch, target_prefix=prefix, beam_size=config.beam_size,
        max_batch_size=config.batch_size, max_decoding_length=config.max_decoding_length,
        length_penalty=LENGTH_PENALTY, return_scores=True, return_attention=True)
