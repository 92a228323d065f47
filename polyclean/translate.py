"""Translation of foreign fragments with installed Argos packages, fully offline.

Packages run through CTranslate2 and SentencePiece directly (argostranslate is never
imported: its import pulls in torch, stanza and spaCy, and its first translation
downloads a sentence splitter).  :meth:`Translator.translate` takes the foreign
fragments of many documents at once: each fragment is split into sentences, the
sentences are de-duplicated, looked up in the persistent cache, and the misses go
to the model in one ``translate_batch`` call per package (bounded batch size and
decoding length); the translations are then put back in place.

A language without a package into the target is pivoted through an installed chain
(``uk -> ru -> en``) when there is one; otherwise ``config.missing_model`` applies:
``keep`` (unchanged, marked untranslated), ``transliterate`` (unidecode), ``drop``
or ``fail`` (:class:`MissingModelError`).

CTranslate2 translators and SentencePiece processors load lazily, once per process
(module-level cache), so a :class:`Translator` pickles cheaply to workers.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import models as _models
from .config import Config
from .errors import MissingModelError, TranslationError  # noqa: F401  (re-exported)

log = logging.getLogger(__name__)

BUILT = True
MAX_SENTENCE_CHARS = 400  # longer sentences are split at a space before translation
LENGTH_PENALTY = 0.2  # as argostranslate decodes


@dataclass
class Fragment:
    """A piece of a document to translate and its (detected) language."""

    text: str
    lang: str


@dataclass
class Outcome:
    """What became of one fragment.

    ``translated`` is True when a package produced ``result``; ``package`` names it
    (``translate-ru_en-1.9``; a pivot chain joins names with ``+``); ``cache`` is
    ``"hit"`` when every sentence came from the cache, ``"miss"`` when at least one
    went to a model, None when the cache was not used.
    """

    result: str
    reason: str
    translated: bool = False
    package: str | None = None
    cache: str | None = None


# --- sentences ------------------------------------------------------------------------
_BOUNDARY = re.compile(
    r"""(?<=[.!?…;。！？])["'”’»)\]]*\s+"""  # end punctuation (+ closers), then space
    r"""|\s*\n\s*""",  # or a line break
)
_LETTER = re.compile(r"[^\W\d_]")


def split_sentences(text: str) -> list[tuple[str, bool]]:
    """Split ``text`` into parts ``(piece, translate?)`` whose concatenation is ``text``.

    Sentences are the parts to translate; the whitespace around and between them,
    and pieces without a letter, are kept as they are.

    >>> split_sentences("  Кошка спит. Собака бежит!\\n42")
    [('  ', False), ('Кошка спит.', True), (' ', False), ('Собака бежит!', True), ('\\n42', False)]
    >>> "".join(p for p, _ in split_sentences("a. b")) == "a. b"
    True
    """
    parts: list[tuple[str, bool]] = []

    def add(piece: str, translate: bool) -> None:
        if piece:
            parts.append((piece, translate))

    pos = 0
    for m in list(_BOUNDARY.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        chunk = text[pos:end]
        stripped = chunk.strip()
        if stripped:
            lead = chunk[: len(chunk) - len(chunk.lstrip())]
            trail = chunk[len(chunk.rstrip()):]
            add(lead, False)
            for piece, tr in _split_long(stripped):
                add(piece, tr and bool(_LETTER.search(piece)))
            add(trail, False)
        else:
            add(chunk, False)
        if m:
            add(m.group(), False)
            pos = m.end()
    # merge neighbouring untranslated parts
    merged: list[tuple[str, bool]] = []
    for piece, tr in parts:
        if merged and not tr and not merged[-1][1]:
            merged[-1] = (merged[-1][0] + piece, False)
        else:
            merged.append((piece, tr))
    return merged


def _split_long(sentence: str) -> list[tuple[str, bool]]:
    """Split an over-long sentence at spaces near its middle, recursively.

    >>> parts = _split_long(" ".join(["слово"] * 200))
    >>> [len(p) for p, _ in parts]
    [299, 1, 299, 1, 299, 1, 299]
    >>> "".join(p for p, _ in parts) == " ".join(["слово"] * 200)
    True
    """
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return [(sentence, True)]
    mid = len(sentence) // 2
    spaces = [m.start() for m in re.finditer(r"\s+", sentence)]
    if not spaces:
        cut = mid
        return _split_long(sentence[:cut]) + _split_long(sentence[cut:])
    cut = min(spaces, key=lambda i: (abs(i - mid), i))
    m = re.compile(r"\s+").match(sentence, cut)
    return _split_long(sentence[:cut]) + [(m.group(), False)] + _split_long(sentence[m.end():])


# --- models: loaded lazily, once per process ---------------------------------------------
_MODELS: dict[tuple, tuple[Any, Any]] = {}
_MODELS_LOCK = threading.Lock()
_STATS = {"model_loads": 0, "model_calls": 0, "sentences_translated": 0}


def model_stats() -> dict[str, int]:
    """Process-wide counters: model loads, ``translate_batch`` calls, sentences sent."""
    return dict(_STATS)


def _threads(config: Config) -> int:
    return config.threads or max(1, min(4, os.cpu_count() or 1))


def _load(pkg: _models.PackageInfo, config: Config) -> tuple[Any, Any]:
    key = (str(pkg.path), pkg.fingerprint(), config.device, _threads(config))
    with _MODELS_LOCK:
        if key in _MODELS:
            return _MODELS[key]
        import ctranslate2
        import sentencepiece

        if config.device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
            raise TranslationError(
                "--device cuda was asked for, but CTranslate2 sees no CUDA device "
                "(use --device cpu)")
        try:
            translator = ctranslate2.Translator(
                str(pkg.path / "model"), device=config.device, compute_type="auto",
                inter_threads=1, intra_threads=_threads(config))
            sp = sentencepiece.SentencePieceProcessor(
                model_file=str(pkg.path / "sentencepiece.model"))
        except Exception as exc:  # CTranslate2 raises RuntimeError/ValueError variants
            raise TranslationError(
                f"package {pkg.key} in {pkg.path} cannot be loaded: {exc} "
                f"(reinstall it with `polyclean models install`)") from None
        _MODELS[key] = (translator, sp)
        _STATS["model_loads"] += 1
        return translator, sp


def _decode(sp: Any, pieces: list[str]) -> str:
    # Copied unknown words keep SentencePiece's word marker; underscores stay as they are.
    return sp.decode_pieces(pieces).replace("\u2581", " ").strip()


def run_package(pkg: _models.PackageInfo, sentences: list[str], config: Config) -> list[str]:
    """Translate distinct sentences with one package in one ``translate_batch`` call."""
    if not sentences:
        return []
    translator, sp = _load(pkg, config)
    tokens = [sp.encode(s, out_type=str) for s in sentences]
    order = sorted(range(len(tokens)), key=lambda i: (len(tokens[i]), i))
    batch = [tokens[i] for i in order]
    prefix = [[pkg.target_prefix] for _ in batch] if pkg.target_prefix else None
    results = translator.translate_batch(
        batch,
        target_prefix=prefix,
        beam_size=config.beam_size,
        max_batch_size=config.batch_size,
        max_decoding_length=config.max_decoding_length,
        length_penalty=LENGTH_PENALTY,
        replace_unknowns=True,
    )
    _STATS["model_calls"] += 1
    _STATS["sentences_translated"] += len(batch)
    out = [""] * len(sentences)
    for i, res in zip(order, results):
        hyp = list(res.hypotheses[0])
        if pkg.target_prefix and hyp[:1] == [pkg.target_prefix]:
            hyp = hyp[1:]
        out[i] = _decode(sp, hyp)
    return out


# --- the translator ------------------------------------------------------------------------
class Translator:
    """Translates fragments of many documents into ``config.target_lang``."""

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self.stats: dict[str, int] = {}
        self._routes: dict[str, list[_models.PackageInfo] | None] | None = None
        self._packages: list[_models.PackageInfo] | None = None
        self._problems: list[str] = []
        self._cache = None

    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["config"])

    # -- packages and routes --------------------------------------------------------------
    @property
    def packages_dir(self) -> Path:
        return _models.packages_dir(self.config.packages_dir)

    def packages(self) -> list[_models.PackageInfo]:
        if self._packages is None:
            self._packages, self._problems = _models.scan(self.packages_dir, with_size=False)
            for p in self._problems:
                log.warning("skipping a package folder: %s", p)
        return self._packages

    def route(self, lang: str) -> list[_models.PackageInfo] | None:
        """The chain of packages translating ``lang`` into the target (None: no chain)."""
        if self._routes is None:
            self._routes = {}
        if lang not in self._routes:
            self._routes[lang] = _models.find_route(lang, self.config.target_lang,
                                                    self.packages())
        return self._routes[lang]

    def _cache_obj(self):
        if not self.config.use_cache:
            return None
        if self._cache is None:
            from .cache import TranslationCache

            self._cache = TranslationCache(self.config.cache)
        return self._cache

    def _cache_key(self, pkg: _models.PackageInfo) -> str:
        c = self.config
        return (f"{pkg.key}:{pkg.fingerprint()}:beam={c.beam_size}:"
                f"maxlen={c.max_decoding_length}")

    def _count(self, key: str, n: int = 1) -> None:
        self.stats[key] = self.stats.get(key, 0) + n

    # -- policy for languages without a package -----------------------------------------
    def _missing_message(self, lang: str) -> str:
        tgt = self.config.target_lang
        if lang == "und":
            return ("some foreign fragments have no identified language (und), so no "
                    "package can translate them; choose --missing-model keep, "
                    "transliterate or drop")
        skipped = [p for p in self.packages() if p.from_code == lang and not p.usable]
        note = ""
        if skipped:
            note = f" (installed {skipped[0].key} uses a {skipped[0].tokenizer} tokenizer, " \
                   "which polyclean does not run)"
        return (f"no installed Argos package translates {lang}->{tgt}{note} "
                f"(packages folder: {self.packages_dir}). Install one with "
                f"`polyclean models install {lang}-{tgt}` on a machine that is online, or "
                "`polyclean models install PATH.argosmodel` from a file; or choose "
                "--missing-model keep, transliterate or drop")

    def _missing(self, frag: Fragment, lang: str) -> Outcome:
        policy = self.config.missing_model
        base = f"no installed package for {lang}->{self.config.target_lang}"
        self._count("fragments_untranslated")
        if policy == "transliterate":
            from unidecode import unidecode

            return Outcome(unidecode(frag.text), f"{base} (transliterated)")
        if policy == "drop":
            return Outcome("", f"{base} (dropped)")
        return Outcome(frag.text, f"{base} (kept)")

    # -- main entry point -------------------------------------------------------------------
    def translate(self, fragments: list[Fragment]) -> list[Outcome]:
        """One :class:`Outcome` per fragment, in order."""
        cfg = self.config
        outcomes: list[Outcome | None] = [None] * len(fragments)
        jobs: dict[str, list[int]] = {}
        for i, frag in enumerate(fragments):
            if not frag.text.strip():
                outcomes[i] = Outcome(frag.text, "nothing to translate")
            elif frag.lang == cfg.target_lang:
                outcomes[i] = Outcome(frag.text, f"already {cfg.target_lang}")
            else:
                jobs.setdefault(frag.lang or "und", []).append(i)

        routes = {lang: self.route(lang) for lang in sorted(jobs)}
        missing = [lang for lang, r in routes.items() if r is None]
        if missing and cfg.missing_model == "fail":
            raise MissingModelError(
                "; ".join(self._missing_message(lang) for lang in missing))
        for lang in missing:
            for i in jobs[lang]:
                outcomes[i] = self._missing(fragments[i], lang)

        # Split every fragment into sentences; sentences are shared by language.
        plans: dict[str, tuple[list[str], dict[int, list[tuple[str, int | None]]]]] = {}
        for lang, route in routes.items():
            if not route:
                continue
            units: dict[str, int] = {}
            layout: dict[int, list[tuple[str, int | None]]] = {}
            for i in jobs[lang]:
                parts = []
                for piece, tr in split_sentences(fragments[i].text):
                    parts.append((piece, units.setdefault(piece, len(units)) if tr else None))
                layout[i] = parts
            plans[lang] = (list(units), layout)

        # Run the chains: one translate_batch per package over the distinct sentences of
        # every language whose chain uses it.  A package runs once no chain still has to
        # reach it through an earlier hop (so uk->ru->en and ru->en share one ru->en call).
        current = {lang: list(units) for lang, (units, _) in plans.items()}
        all_hit = {lang: [True] * len(units) for lang, (units, _) in plans.items()}
        pos = {lang: 0 for lang in plans}
        while True:
            pending: dict[tuple[str, str], list[str]] = {}
            later: set[tuple[str, str]] = set()
            pkgs: dict[tuple[str, str], _models.PackageInfo] = {}
            for lang in plans:
                route = routes[lang]
                for h in range(pos[lang], len(route)):
                    k = (route[h].key, str(route[h].path))
                    pkgs[k] = route[h]
                    if h == pos[lang]:
                        pending.setdefault(k, []).append(lang)
                    else:
                        later.add(k)
            if not pending:
                break
            ready = sorted(k for k in pending if k not in later) or sorted(pending)
            for k in ready:
                langs = pending[k]
                texts = list(dict.fromkeys(t for lang in langs for t in current[lang]))
                done, hits = self._translate_sentences(pkgs[k], texts)
                for lang in langs:
                    all_hit[lang] = [h and hits[t] for h, t in zip(all_hit[lang], current[lang])]
                    current[lang] = [done[t] for t in current[lang]]
                    pos[lang] += 1

        use_cache = self._cache_obj() is not None
        for lang, (units, layout) in plans.items():
            route = routes[lang]
            name = "+".join(p.key for p in route)
            via = "->".join([lang] + [p.to_code for p in route])
            for i, parts in layout.items():
                used = [u for _, u in parts if u is not None]
                text = "".join(p if u is None else current[lang][u] for p, u in parts)
                cache = None
                if use_cache and used:
                    cache = "hit" if all(all_hit[lang][u] for u in used) else "miss"
                outcomes[i] = Outcome(text, f"translated {via} with {name}", True, name, cache)
                self._count("fragments_translated")
        assert all(o is not None for o in outcomes)
        return outcomes  # type: ignore[return-value]

    def _translate_sentences(self, pkg: _models.PackageInfo, texts: list[str]
                             ) -> tuple[dict[str, str], dict[str, bool]]:
        cache = self._cache_obj()
        key = self._cache_key(pkg)
        done = cache.get_many(key, texts) if cache else {}
        hits = {t: t in done for t in texts}
        todo = [t for t in texts if t not in done]
        self._count("sentences_cached", len(texts) - len(todo))
        if todo:
            fresh = dict(zip(todo, run_package(pkg, todo, self.config)))
            self._count("sentences_translated", len(todo))
            self._count("model_calls")
            if cache:
                cache.put_many(key, fresh)
            done.update(fresh)
        return done, hits
