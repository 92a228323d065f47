"""Translation of foreign fragments with installed Argos packages, fully offline.

Packages run through CTranslate2 and SentencePiece/BPE directly (argostranslate is
never imported: its import pulls in torch, stanza and spaCy, and its first translation
downloads a sentence splitter).  :meth:`Translator.translate` takes the foreign
fragments of many documents at once.  A fragment already translated with the same
packages and options is answered from the cache's fragment table (one row, no
splitting or checking).  For each other distinct fragment:

1. protected spans are found (URLs, e-mails, handles, hashtags, numbers with units,
   placeholders, inline code, glossary terms: :mod:`.protect`);
2. the fragment is split into sentences (sentencex plus general rules, never inside
   a protected span: :mod:`.sentences`); each sentence goes to the model alone, with
   its spans replaced by numbered stand-ins;
3. the distinct masked sentences are looked up in the persistent cache, and the misses
   go to the model, one package at a time (:mod:`.engine`);
4. each output is checked (:mod:`.checks`): empty, looping, out of proportion, still in
   the source script, mostly ``<unk>``, below ``--min-translation-score``, or a lost
   protected span keeps the *source* sentence, with the reason code on the outcome;
5. the spans are put back, byte for byte.

A language without a package into the target is pivoted through an installed chain
(``uk -> ru -> en``) when there is one; otherwise ``config.missing_model`` applies:
``keep`` (unchanged, marked untranslated), ``transliterate`` (unidecode), ``drop`` or
``fail`` (:class:`MissingModelError`).  A package that fails to load is passed over
(one warning per package and process) for the next valid version of its pair, or the
missing-model policy.

CTranslate2 translators and tokenizers load lazily, once per process (module-level
cache), so a :class:`Translator` pickles cheaply to workers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import models as _models
from ..config import Config
from ..errors import E, MissingModelError, PackageLoadError, TranslationError  # noqa: F401
from . import checks, protect
from .checks import REASONS
from .._counts import add_count
from .engine import Hypothesis, model_stats, run_package  # noqa: F401  (re-exported)
from .sentences import MAX_SENTENCE_CHARS, split_sentences  # noqa: F401  (re-exported)

log = logging.getLogger(__name__)

_BROKEN: dict[str, str] = {}  # package folder -> why it cannot be used (this process)


def broken_reason(pkg: _models.PackageInfo) -> str | None:
    """Why ``pkg`` was passed over in this process (it could not be loaded, or failed
    while translating), or None."""
    return _BROKEN.get(str(pkg.path))


@dataclass
class Fragment:
    """A piece of a document to translate and its (detected) language."""

    text: str
    lang: str


@dataclass
class Outcome:
    """What became of one fragment.

    ``translated`` is True when a package produced (part of) ``result``; ``package``
    names it (``translate-ru_en-1.9``; a pivot chain joins names with ``+``); ``cache``
    is ``"hit"`` when every sentence came from the cache, ``"miss"`` when at least one
    went to a model, None when the cache was not used.  ``score`` is the lowest model
    score (CTranslate2's, as argostranslate reports it) of the sentences used;
    ``refused`` lists the sentences whose output was not used (``code`` from
    :data:`REASONS`, the source ``sentence`` kept instead); ``protected`` lists each
    protected span (``kind``, ``text``) and whether it ``survived`` the model.
    ``unloadable`` names the installed package that was passed over because it cannot
    be loaded, when the fragment was left for that reason.
    """

    result: str
    reason: str
    translated: bool = False
    package: str | None = None
    cache: str | None = None
    score: float | None = None
    refused: list[dict[str, Any]] = field(default_factory=list)
    protected: list[dict[str, Any]] = field(default_factory=list)
    unloadable: str | None = None


@dataclass
class _Piece:
    text: str
    unit: int | None = None  # index of the masked sentence; None: kept as it is
    subs: list[tuple[str, protect.Span]] = field(default_factory=list)


# what --missing-model did to a text no package translates, as the reasons say it
_DONE = {"keep": "kept", "transliterate": "transliterated", "drop": "dropped"}


class Translator:
    """Translates fragments of many documents into ``config.target_lang``."""

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self.stats: dict[str, int] = {}
        self._routes: dict[str, list[_models.PackageInfo] | None] = {}
        self._packages: list[_models.PackageInfo] | None = None
        self._cache = None
        self._glossary: protect.Glossary | None = None

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
            self._packages, problems = _models.scan(self.packages_dir, with_size=False)
            for p in problems:
                _warn_once(p, f"skipping a package folder: {p}")
        return self._packages

    def route(self, lang: str) -> list[_models.PackageInfo] | None:
        """The chain of packages translating ``lang`` into the target (None: no chain)."""
        if lang not in self._routes:
            self._routes[lang] = _models.find_route(
                lang, self.config.target_lang, self.packages(), exclude=_BROKEN)
        return self._routes[lang]

    @property
    def glossary(self) -> protect.Glossary | None:
        if self._glossary is None and self.config.glossary:
            self._glossary = protect.Glossary.load(self.config.glossary)
        return self._glossary

    def _cache_obj(self):
        if not self.config.use_cache:
            return None
        if self._cache is None:
            from ..cache import TranslationCache

            self._cache = TranslationCache(self.config.cache)
        return self._cache

    def _cache_key(self, pkg: _models.PackageInfo) -> str:
        c = self.config
        return (f"{pkg.key}:{pkg.fingerprint()}:beam={c.beam_size}:"
                f"maxlen={c.max_decoding_length}:compute={c.compute_type or 'model'}:"
                f"device={c.device}")

    def fragment_key(self, lang: str, route: list[_models.PackageInfo]) -> str:
        """Key of the fragment table: a digest of everything that decides a fragment's
        outcome besides its text (the code that splits, protects and checks included)."""
        c, glossary = self.config, self.glossary
        parts = [code_digest(), lang, c.target_lang, c.protect_spans, c.min_translation_score,
                 sorted(glossary.entries.items()) if glossary else None,
                 [self._cache_key(p) for p in route]]
        blob = json.dumps(parts, ensure_ascii=False).encode()
        return "fragment:" + hashlib.sha256(blob).hexdigest()[:32]

    def _count(self, key: str, n: int = 1) -> None:
        add_count(self.stats, key, n)

    # -- policy for languages without a package -----------------------------------------
    def _missing_message(self, lang: str) -> str:
        tgt = self.config.target_lang
        if lang == "und":
            return ("some foreign fragments have no identified language (und), so no "
                    "package can translate them; choose --missing-model keep, "
                    "transliterate or drop")
        broken = self._unloadable(lang)
        note = f" ({_BROKEN[str(broken[0].path)]})" if broken else ""
        return (f"no installed Argos package translates {lang}->{tgt}{note} "
                f"(packages folder: {self.packages_dir}). Install one with "
                f"`polyclean models install {lang}-{tgt}` on a machine that is online, or "
                "`polyclean models install PATH.argosmodel` from a file; or choose "
                "--missing-model keep, transliterate or drop")

    def missing_message(self, langs) -> str:
        """The message of :class:`MissingModelError` for the languages ``langs``."""
        return "; ".join(self._missing_message(lang) for lang in sorted(langs))

    def _unloadable(self, lang: str) -> list[_models.PackageInfo]:
        """The installed packages from ``lang`` passed over because they cannot be loaded."""
        return [p for p in self.packages() if p.from_code in _models.source_codes(lang)
                and str(p.path) in _BROKEN]

    def _missing(self, frag: Fragment, lang: str) -> Outcome:
        policy = self.config.missing_model
        broken = self._unloadable(lang)  # installed, but not usable: say so, not "missing"
        base = (E.PACKAGE_UNLOADABLE.format(package=broken[0].key) if broken else
                E.NO_PACKAGE.format(src=lang, dst=self.config.target_lang))
        unloadable = broken[0].key if broken else None
        self._count("fragments_untranslated")
        return Outcome(self._by_policy(frag.text), f"{base} ({_DONE.get(policy, 'kept')})",
                       unloadable=unloadable)

    # -- main entry point -------------------------------------------------------------------
    def translate(self, fragments: list[Fragment]) -> list[Outcome]:
        """One :class:`Outcome` per fragment, in order.

        A package that cannot be loaded or run is passed over, with one warning, and
        the fragments are routed again (the next valid version, or the policy).
        """
        while True:
            try:
                return self._translate(fragments)
            except PackageLoadError as exc:
                path = str(exc.package.path)
                if path in _BROKEN:
                    raise
                _BROKEN[path] = str(exc)
                _warn_once(path, f"{exc}; passing it over (reinstall it with "
                                 "`polyclean models install`)")
                self._routes = {}

    def _translate(self, fragments: list[Fragment]) -> list[Outcome]:
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
            raise MissingModelError(self.missing_message(missing))
        for lang in missing:
            for i in jobs[lang]:
                outcomes[i] = self._missing(fragments[i], lang)

        plans: dict[str, tuple[list[str], dict[str, list[_Piece]]]] = {}
        keys: dict[str, str] = {}
        for lang, route in routes.items():
            if route:
                keys[lang] = self.fragment_key(lang, route) if self._cache_obj() else ""
                todo = self._stored_outcomes(keys[lang], jobs[lang], fragments, outcomes)
                plans[lang] = self._plan(lang, todo)
        results, hits = self._run_chains(routes, plans)
        use_cache = self._cache_obj() is not None
        for lang, (units, layout) in plans.items():
            fresh = {text: self._assemble(lang, routes[lang], pieces, units, results[lang],
                                          hits[lang] if use_cache else None)
                     for text, pieces in layout.items()}
            if use_cache:  # an outcome with a failed sentence is not kept: run it again
                self._cache_obj().put_outcomes(keys[lang], {t: _dump(o) for t, o in fresh.items()
                                                            if not failed_sentences(o)})
            for i in jobs[lang]:
                if outcomes[i] is None:
                    outcomes[i] = _copy(fresh[fragments[i].text])
        for lang in plans:
            for i in jobs[lang]:
                self._tally(outcomes[i])  # type: ignore[arg-type]
        assert all(o is not None for o in outcomes)
        return outcomes  # type: ignore[return-value]

    def _stored_outcomes(self, key: str, indices: list[int], fragments: list[Fragment],
                         outcomes: list[Outcome | None]) -> list[str]:
        """Fill in the fragments the fragment table answers; return the distinct texts
        of the others."""
        texts = list(dict.fromkeys(fragments[i].text for i in indices))
        cache = self._cache_obj()
        if not cache:
            return texts
        stored = {t: _load(o) for t, o in cache.get_outcomes(key, texts).items()}
        for i in indices:
            if fragments[i].text in stored:
                outcomes[i] = _copy(stored[fragments[i].text])
                self._count("fragments_cached")
        return [t for t in texts if t not in stored]

    def _plan(self, lang: str, texts: list[str]
              ) -> tuple[list[str], dict[str, list[_Piece]]]:
        """Split distinct fragments into masked sentences shared by the fragments of
        ``lang``."""
        units: dict[str, int] = {}
        layout: dict[str, list[_Piece]] = {}
        protecting = self.config.protect_spans
        for text in texts:
            spans = protect.find_spans(text, self.glossary) if protecting else []
            pieces, pos = [], 0
            for piece, tr in split_sentences(text, lang, [(s.start, s.end) for s in spans]):
                if tr:
                    local = [protect.Span(s.start - pos, s.end - pos, s.kind, s.text, s.output)
                             for s in spans if s.start >= pos and s.end <= pos + len(piece)]
                    masked, subs = protect.mask(piece, local)
                    pieces.append(_Piece(piece, units.setdefault(masked, len(units)), subs))
                else:
                    pieces.append(_Piece(piece))
                pos += len(piece)
            layout[text] = pieces
        return list(units), layout

    def _run_chains(self, routes, plans):
        """Run every chain: one package run per package over the distinct sentences of
        every language whose chain uses it.  A package runs once no chain still has to
        reach it through an earlier hop (so uk->ru->en and ru->en share one ru->en run)."""
        current = {lang: [Hypothesis(u, 0.0, 0, 0) for u in units]
                   for lang, (units, _) in plans.items()}
        worst = {lang: [0.0] * len(units) for lang, (units, _) in plans.items()}
        failed: dict[str, list[str | None]] = {lang: [None] * len(units)
                                               for lang, (units, _) in plans.items()}
        hits = {lang: [True] * len(units) for lang, (units, _) in plans.items()}
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
                texts = list(dict.fromkeys(h.text for lang in langs for h in current[lang]))
                done, hit = self._translate_sentences(pkgs[k], texts)
                for lang in langs:
                    src = [h.text for h in current[lang]]
                    hits[lang] = [a and hit[t] for a, t in zip(hits[lang], src)]
                    current[lang] = [done[t] for t in src]
                    failed[lang] = [f or h.error for f, h in zip(failed[lang], current[lang])]
                    worst[lang] = [min(w, h.score) for w, h in zip(worst[lang], current[lang])]
                    pos[lang] += 1
        for lang in current:
            current[lang] = [Hypothesis(h.text, w, h.unknown, h.tokens, f)
                             for h, w, f in zip(current[lang], worst[lang], failed[lang])]
        return current, hits

    def _assemble(self, lang: str, route: list[_models.PackageInfo], pieces: list[_Piece],
                  units: list[str], results: list[Hypothesis], hits: list[bool] | None
                  ) -> Outcome:
        cfg = self.config
        out: list[str] = []
        refused: list[dict[str, Any]] = []
        protected: list[dict[str, Any]] = []
        scores: list[float] = []
        for piece in pieces:
            if piece.unit is None:
                out.append(piece.text)
                continue
            hyp = results[piece.unit]
            if hyp.error:  # the package failed on this sentence: --missing-model decides
                refused.append({"code": "model-error", "sentence": piece.text, "score": None,
                                "detail": hyp.error})
                out.append(self._by_policy(piece.text))
                continue
            restored, lost = protect.restore(hyp.text, piece.subs)
            code = "protected-lost" if lost else checks.refusal(
                units[piece.unit], hyp, cfg.target_lang, cfg.min_translation_score)
            for _stand_in, span in piece.subs:
                protected.append({"kind": span.kind, "text": span.text,
                                  "survived": span not in lost})
            if code:
                refused.append({"code": code, "sentence": piece.text, "score": hyp.score,
                                "detail": ", ".join(f"{s.kind} {s.text!r}" for s in lost)
                                or REASONS[code]})
                out.append(piece.text)
            else:
                out.append(restored)
                scores.append(hyp.score)
        used = [p.unit for p in pieces if p.unit is not None]
        cache = None
        if hits is not None and used:
            cache = "hit" if all(hits[u] for u in used) else "miss"
        name = "+".join(p.key for p in route)
        via = "->".join([lang] + [p.to_code for p in route])
        reason = f"translated {via} with {name}"
        if refused:
            codes = ", ".join(dict.fromkeys(r["code"] for r in refused))
            reason = (f"kept the source: {codes} ({name})" if not scores else
                      f"{reason}; kept {len(refused)} of {len(used)} sentences as they "
                      f"were: {codes}")
            n_failed = sum(r["code"] == "model-error" for r in refused)
            if n_failed and cfg.missing_model in ("transliterate", "drop"):
                reason += (f"; {n_failed} sentence{'s' if n_failed > 1 else ''} the package "
                           f"failed on {_DONE[cfg.missing_model]}")
        return Outcome("".join(out), reason, bool(scores), name, cache,
                       min(scores) if scores else None, refused, protected)

    def _by_policy(self, text: str) -> str:
        """What ``--missing-model`` makes of a text no package translates: a fragment
        with no package, or a sentence the package failed on (``fail`` fails its
        document later, in the stage; until then the text is kept)."""
        policy = self.config.missing_model
        if policy == "transliterate":
            from unidecode import unidecode

            return unidecode(text)
        if policy == "drop":
            return ""
        return text

    def _tally(self, out: Outcome) -> None:
        for r in out.refused:
            self._count(f"refused_{r['code']}")
        self._count("fragments_translated" if out.translated else "fragments_untranslated")

    def _translate_sentences(self, pkg: _models.PackageInfo, texts: list[str]
                             ) -> tuple[dict[str, Hypothesis], dict[str, bool]]:
        cache = self._cache_obj()
        key = self._cache_key(pkg)
        done = {t: Hypothesis("", 0.0, 0, 0) for t in texts if not t.strip()}
        if cache:
            done.update({s: Hypothesis(*row) for s, row in
                         cache.get_many(key, [t for t in texts if t not in done]).items()})
        hits = {t: t in done for t in texts}
        todo = [t for t in texts if t not in done]
        self._count("sentences_cached", len(texts) - len(todo))
        if todo:
            fresh = dict(zip(todo, run_package(pkg, todo, self.config)))
            self._count("sentences_translated", len(todo))
            self._count("model_calls")
            if cache:
                cache.put_many(key, {s: (h.text, h.score, h.unknown, h.tokens)
                                     for s, h in fresh.items() if h.error is None})
            done.update(fresh)
        return done, hits


def failed_sentences(o: Outcome) -> list[dict[str, Any]]:
    """The sentences of ``o`` that its package failed on (refusal code ``model-error``)."""
    return [r for r in o.refused if r["code"] == "model-error"]


def _dump(o: Outcome) -> str:
    """An outcome as the fragment table stores it (``cache`` is not stored: it says
    where the outcome came from this time)."""
    return json.dumps([o.result, o.reason, o.translated, o.package, o.score, o.refused,
                       o.protected], ensure_ascii=False)


def _load(text: str) -> Outcome:
    result, reason, translated, package, score, refused, protected = json.loads(text)
    return Outcome(result, reason, translated, package, "hit", score, refused, protected)


def _copy(o: Outcome) -> Outcome:
    """A fragment's own outcome (repeated fragments do not share mutable lists)."""
    return Outcome(o.result, o.reason, o.translated, o.package, o.cache, o.score,
                   [dict(r) for r in o.refused], [dict(p) for p in o.protected])


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Digest of the code that turns a fragment into its outcome: this package's
    modules, :mod:`polyclean.langdata`, the installed sentencex (its files' sizes and
    times) and Python's Unicode database.  Part of :meth:`Translator.fragment_key`, so
    that a change to splitting, protected spans or checks never serves an outcome the
    old code produced (the sentence rows stay: they hold only the model's output)."""
    import sentencex

    h = hashlib.sha256(unicodedata.unidata_version.encode())
    here = Path(__file__).resolve().parent
    for path in [*sorted(here.glob("*.py")), here.parent / "langdata.py"]:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    for path in sorted(Path(sentencex.__file__).resolve().parent.iterdir()):
        if path.is_file():
            st = path.stat()
            h.update(f"{path.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


_WARNED: set[str] = set()


def _warn_once(key: str, message: str) -> None:
    if key not in _WARNED:
        _WARNED.add(key)
        log.warning("%s", message)
