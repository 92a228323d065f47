"""Build a tiny, valid Argos Translate package whose weights are set by hand.

No download, no training, no torch: a one-layer CTranslate2 Transformer that
translates word by word through a lexicon, plus a SentencePiece ``word`` model.
Exact and deterministic; built in a fraction of a second (recipe in
``../shared/docs/argos-notes.md``).

The hidden state has three one-hot blocks: the current token (V), the position
(P) and the source token copied by cross-attention (V).  Step ``t`` of the
decoder attends to source position ``t``; the output projection maps the copied
source word to its translation.  Unknown words come out as ``<unk>`` and
CTranslate2's ``replace_unknowns`` copies the source word through.

Variants for the tests (``build_package_dir`` keywords):

* ``behaviour``: ``"translate"`` (the lexicon), ``"repeat"`` (every step emits
  ``the`` and never ``</s>``: a word repeated up to the decoding limit), ``"empty"``
  (``</s>`` first: no output), ``"copy"`` (the source copied through);
* ``tokenizer="bpe"``: Moses tokenisation + a subword-nmt ``bpe.model`` learned over
  the lexicon words (each word one BPE unit; unknown words fall apart into letters);
* ``layout="ct2-old"``: a model saved as CTranslate2 < 3.0 did (binary version 5, no
  ``config.json``, so no source ``</s>``: the tiny model then never stops);
  ``layout="locomotive"``: metadata without ``type``/``links`` and a ``stanza/``
  folder, as Locomotive builds packages.

:func:`corrupt_model` truncates a package's ``model.bin``.

Used by the tests (a pytest fixture) and by ``bench/bench_translate.py``.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Iterable, Mapping

# A small Russian -> English lexicon (one word -> one word) for the tests.
RU_EN = {
    "кошка": "cat", "собака": "dog", "птица": "bird", "рыба": "fish",
    "любит": "loves", "ест": "eats", "видит": "sees", "пьёт": "drinks",
    "молоко": "milk", "мясо": "meat", "воду": "water", "хлеб": "bread",
    "большая": "big", "маленькая": "small", "чёрная": "black", "белая": "white",
    "и": "and", "не": "not", "очень": "very", "тоже": "too",
    "сегодня": "today", "вчера": "yesterday", "дома": "home", "здесь": "here",
    "молоко.": "milk.", "мясо.": "meat.", "воду.": "water.", "хлеб.": "bread.",
    "спит.": "sleeps.", "бежит.": "runs.", "поёт.": "sings.", "плавает.": "swims.",
    "Кошка": "Cat", "Собака": "Dog", "Птица": "Bird", "Рыба": "Fish",
    "имя_пользователя": "user_name",
}

# Ukrainian -> Russian, for pivot tests (uk -> ru -> en).
UK_RU = {
    "кішка": "кошка", "собака": "собака", "птах": "птица", "риба": "рыба",
    "любить": "любит", "їсть": "ест", "бачить": "видит", "молоко": "молоко",
    "м'ясо": "мясо", "хліб": "хлеб", "і": "и", "сьогодні": "сегодня",
}

# Brazilian Portuguese -> English, as Argos's "pb" packages (they serve detected "pt").
PB_EN = {"gato": "cat", "cachorro": "dog", "come": "eats", "bebe": "drinks",
         "leite": "milk", "carne": "meat", "O": "The", "o": "the"}

# Russian -> English without words ending in '.': Moses splits the full stop off.
RU_EN_BPE = {**{k: v for k, v in RU_EN.items() if not k.endswith(".")},
             "спит": "sleeps", "бежит": "runs", ".": "."}
NAMES = {"ru": "Russian", "uk": "Ukrainian", "en": "English", "pb": "Portuguese (Brazil)"}

UNK, BOS, EOS = "<unk>", "<s>", "</s>"


def _sentencepiece_model(words: list[str]) -> bytes:
    """A SentencePiece ``word`` model in which each word is one piece (ids 0-2 special)."""
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(words),
        model_writer=buf,
        model_type="word",
        vocab_size=len(words) + 3,
        hard_vocab_limit=False,
        normalization_rule_name="identity",
        character_coverage=1.0,  # else words with rare letters fall out of the vocabulary
        add_dummy_prefix=True,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        minloglevel=2,
        split_by_whitespace=True,
        max_sentencepiece_length=64,
        num_threads=1,
    )
    return buf.getvalue()


def _import_specs():
    """``ctranslate2.specs`` imports torch when it can (2 s here) though numpy suffices:
    hide torch during that import unless something already loaded it."""
    import sys

    if "ctranslate2.specs" in sys.modules or "torch" in sys.modules:
        from ctranslate2.specs import transformer_spec
        return transformer_spec
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` fail
    try:
        from ctranslate2.specs import transformer_spec
    finally:
        del sys.modules["torch"]
    return transformer_spec


def _ctranslate2_model(out_dir: Path, vocab: list[str], mapping: Mapping[int, int],
                       max_positions: int) -> None:
    import numpy as np

    transformer_spec = _import_specs()

    V, P = len(vocab), max_positions
    D = 2 * V + P
    tok = lambda i: i  # noqa: E731  (block offsets)
    pos = lambda i: V + i  # noqa: E731
    cop = lambda i: V + P + i  # noqa: E731
    eos = vocab.index(EOS)
    f32 = np.float32

    def ln(k: int):
        # gamma = std, beta = mean of a D-vector with exactly k ones: identity on it.
        mean = k / D
        std = (k / D - mean * mean) ** 0.5
        return np.full(D, std, f32), np.full(D, mean, f32)

    def set_ln(spec, k):
        spec.gamma, spec.beta = ln(k)

    def set_lin(spec, w):
        spec.weight = w.astype(f32)
        spec.bias = np.zeros(w.shape[0], f32)

    spec = transformer_spec.TransformerSpec.from_config((1, 1), 1, pre_norm=True)
    emb = np.zeros((V, D), f32)
    for i in range(V):
        emb[i, tok(i)] = 1.0 / np.sqrt(D)  # CTranslate2 multiplies by sqrt(D)
    posenc = np.zeros((P, D), f32)
    for i in range(P):
        posenc[i, pos(i)] = 1.0

    # Encoder: attention and FFN do nothing; every LayerNorm is the identity.
    enc = spec.encoder
    enc.embeddings[0].weight = emb.copy()
    enc.position_encodings.encodings = posenc.copy()
    set_ln(enc.layer_norm, 2)
    for layer in enc.layer:
        set_ln(layer.self_attention.layer_norm, 2)
        set_lin(layer.self_attention.linear[0], np.zeros((3 * D, D)))
        set_lin(layer.self_attention.linear[1], np.zeros((D, D)))
        set_ln(layer.ffn.layer_norm, 2)
        set_lin(layer.ffn.linear_0, np.zeros((4, D)))
        set_lin(layer.ffn.linear_1, np.zeros((D, 4)))

    # Decoder: cross-attention copies the source token at the same position.
    dec = spec.decoder
    dec.embeddings.weight = emb.copy()
    dec.position_encodings.encodings = posenc.copy()
    set_ln(dec.layer_norm, 3)
    strong, weak = 30.0, 10.0
    for layer in dec.layer:
        set_ln(layer.self_attention.layer_norm, 2)
        set_lin(layer.self_attention.linear[0], np.zeros((3 * D, D)))
        set_lin(layer.self_attention.linear[1], np.zeros((D, D)))
        att = layer.attention
        set_ln(att.layer_norm, 2)
        wq = np.zeros((D, D))
        for i in range(P):
            wq[pos(i), pos(i)] = strong
        kv = np.zeros((2 * D, D))
        for i in range(P):
            kv[pos(i), pos(i)] = strong  # keys: the source position
        for i in range(P):
            kv[pos(i), tok(eos)] = weak  # </s> also matches every position weakly
        for i in range(V):
            kv[D + tok(i), tok(i)] = 1.0  # values: the source token
        wo = np.zeros((D, D))
        for i in range(V):
            wo[cop(i), tok(i)] = 1.0
        set_lin(att.linear[0], wq)
        set_lin(att.linear[1], kv)
        set_lin(att.linear[2], wo)
        set_ln(layer.ffn.layer_norm, 3)
        set_lin(layer.ffn.linear_0, np.zeros((4, D)))
        set_lin(layer.ffn.linear_1, np.zeros((D, 4)))

    proj = np.zeros((V, D), f32)
    bias = np.full(V, -30.0, f32)
    for s, t in mapping.items():
        proj[t, cop(s)] = 15.0
        bias[t] = 0.0
    dec.projection.weight = proj
    dec.projection.bias = bias

    spec.config.add_source_eos = True
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize("int8")
    spec.save(str(out_dir))


def _bpe_model(words: list[str]) -> str:
    """subword-nmt BPE codes learned over ``words`` until each is one unit."""
    import contextlib

    from subword_nmt.learn_bpe import learn_bpe

    out = io.StringIO()
    with contextlib.redirect_stderr(io.StringIO()):
        learn_bpe(io.StringIO("".join(f"{w} 1\n" for w in words)), out, 100_000,
                  min_frequency=1, is_dict=True)
    return out.getvalue()


def _vocab_and_pieces(pkg: Path, words: list[str], tokenizer: str
                      ) -> tuple[list[str], dict[str, str]]:
    """Write the tokenizer model; return the vocabulary and each word's one piece."""
    if tokenizer == "bpe":
        from subword_nmt.apply_bpe import BPE

        codes = _bpe_model(words)
        (pkg / "bpe.model").write_text(codes, encoding="utf-8")
        bpe = BPE(io.StringIO(codes))
        piece = {w: bpe.segment_tokens([w]) for w in words}
        vocab = [UNK, BOS, EOS] + sorted({p[0] for p in piece.values()})
    else:
        import sentencepiece as spm

        sp_bytes = _sentencepiece_model(words)
        (pkg / "sentencepiece.model").write_bytes(sp_bytes)
        sp = spm.SentencePieceProcessor(model_proto=sp_bytes)
        vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
        piece = {w: sp.encode(w, out_type=str) for w in words}
    assert vocab[:3] == [UNK, BOS, EOS], vocab[:3]
    bad = [w for w, p in piece.items() if len(p) != 1 or p[0] not in vocab[3:]]
    assert not bad, f"words that are not one piece: {bad}"
    return vocab, {w: p[0] for w, p in piece.items()}


def _mapping(vocab: list[str], piece: Mapping[str, str], lexicon: Mapping[str, str],
             behaviour: str) -> dict[int, int]:
    ids = {v: i for i, v in enumerate(vocab)}
    if behaviour == "translate":
        mapping = {ids[piece[s]]: ids[piece[t]] for s, t in lexicon.items()}
        mapping[0], mapping[2] = 0, 2  # <unk> -> <unk> (copied through), </s> -> </s>
    elif behaviour == "repeat":
        mapping = {i: ids[piece["the"]] for i in range(len(vocab))}
    elif behaviour == "empty":
        mapping = {i: 2 for i in range(len(vocab))}
    elif behaviour == "copy":
        mapping = {i: i for i in range(len(vocab))}
    else:
        raise ValueError(f"unknown behaviour {behaviour!r}")
    return mapping


def _old_layout(model: Path) -> None:
    """Make ``model`` look converted by CTranslate2 < 3.0: binary version 5, no config."""
    import struct

    (model / "config.json").unlink()
    data = bytearray((model / "model.bin").read_bytes())
    data[0:4] = struct.pack("<I", 5)
    (model / "model.bin").write_bytes(bytes(data))


def corrupt_model(pkg: Path) -> Path:
    """Truncate ``pkg/model/model.bin`` to half its size (a damaged download)."""
    f = Path(pkg) / "model" / "model.bin"
    data = f.read_bytes()
    f.write_bytes(data[: len(data) // 2])
    return Path(pkg)


def build_package_dir(
    dest: Path,
    lexicon: Mapping[str, str] = RU_EN,
    *,
    from_code: str = "ru",
    to_code: str = "en",
    version: str = "1.0",
    folder: str | None = None,
    max_positions: int = 128,
    extra_metadata: Mapping[str, object] | None = None,
    behaviour: str = "translate",
    tokenizer: str = "sentencepiece",
    layout: str = "current",
) -> Path:
    """Write the package folder ``dest/folder`` and return its path."""
    folder = folder or f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    pkg = Path(dest) / folder
    if pkg.exists():
        shutil.rmtree(pkg)
    (pkg / "model").mkdir(parents=True)
    words = sorted(set(lexicon) | set(lexicon.values()) | {"the"})
    vocab, piece = _vocab_and_pieces(pkg, words, tokenizer)
    _ctranslate2_model(pkg / "model", vocab, _mapping(vocab, piece, lexicon, behaviour),
                       max_positions)
    if layout == "ct2-old":
        _old_layout(pkg / "model")
    meta = {
        "package_version": version,
        "argos_version": "1.9.0",
        "from_code": from_code,
        "from_name": NAMES.get(from_code, from_code),
        "to_code": to_code,
        "to_name": NAMES.get(to_code, to_code),
        "type": "translate",
        "links": [],
    }
    if layout == "locomotive":
        del meta["type"], meta["links"]
        (pkg / "stanza").mkdir()
        (pkg / "stanza" / "README").write_text("stanza sentence-splitter model (unused)\n")
    meta.update(extra_metadata or {})
    (pkg / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2),
                                       encoding="utf-8")
    (pkg / "README.md").write_text("Tiny hand-set test package (word-by-word lexicon).\n")
    return pkg


def zip_folder(folder: Path, out: Path, *, extra: Iterable[tuple[str, bytes]] = ()) -> Path:
    """Zip ``folder`` as one top-level folder (plus ``extra`` raw entries) into ``out``."""
    folder = Path(folder)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            arc = f"{folder.name}/{p.relative_to(folder).as_posix()}"
            if p.is_dir():
                zf.writestr(arc + "/", b"")
            else:
                zf.write(p, arc)
        for name, data in extra:
            zf.writestr(name, data)
    return Path(out)


def build_package(dest: Path, lexicon: Mapping[str, str] = RU_EN, **kw) -> Path:
    """Build the package folder under ``dest`` and return the ``.argosmodel`` zip path."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    pkg = build_package_dir(dest / "build", lexicon, **kw)
    out = dest / f"{pkg.name}.argosmodel"
    zip_folder(pkg, out)
    return out


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys

    print(build_package(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))


# --- pytest fixtures (imported by the test modules) -----------------------------------------
try:
    import pytest
except ImportError:  # pragma: no cover - the bench runs without pytest
    pytest = None

if pytest is not None:

    @pytest.fixture(scope="session")
    def tiny_zips(tmp_path_factory) -> dict[str, Path]:
        """The tiny packages as .argosmodel files: ru-en 1.0, ru-en 1.1, uk-ru 1.0."""
        root = tmp_path_factory.mktemp("argos-tiny")
        return {
            "ru-en": build_package(root / "a", RU_EN),
            "ru-en-1.1": build_package(root / "b", RU_EN, version="1.1"),
            "uk-ru": build_package(root / "c", UK_RU, from_code="uk", to_code="ru"),
        }

    @pytest.fixture
    def argos_env(tmp_path, monkeypatch):
        """A private packages folder, XDG folders and cache file; no proxies, no index."""
        env = {
            "ARGOS_PACKAGES_DIR": tmp_path / "argos" / "packages",
            "XDG_DATA_HOME": tmp_path / "xdg" / "data",
            "XDG_CONFIG_HOME": tmp_path / "xdg" / "config",
            "XDG_CACHE_HOME": tmp_path / "xdg" / "cache",
        }
        for k, v in env.items():
            monkeypatch.setenv(k, str(v))
        for k in ("ARGOS_PACKAGE_INDEX", "http_proxy", "HTTP_PROXY", "https_proxy",
                  "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
            monkeypatch.delenv(k, raising=False)
        monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")

        class Env:
            root = tmp_path
            packages = env["ARGOS_PACKAGES_DIR"]
            cache = tmp_path / "cache.sqlite3"
            vars = {k: str(v) for k, v in env.items()}

        return Env
