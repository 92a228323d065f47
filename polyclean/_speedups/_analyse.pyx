# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False
"""Compiled analysis of one line of the boilerplate remover (see
``polyclean/boilerplate/analysis.py``): :func:`analyse` is ``analysis.analyse`` (the
same ``Analysis``), with the canonical form and the key of an ASCII line, the word
count, the sentence end and the dispatch of the definite rules in C.  The rules
themselves stay the Python functions of ``rules.py``; the dispatch asks a rule only
when a test that it fires needs is passed (the rule's own first test, done in C), so
the rule that fires is the pure code's.  :func:`units` and :func:`ends_sentence` are
``rules.units`` and ``rules.ends_sentence``.

Every answer is the pure-Python code's (``POLYCLEAN_PURE=1`` selects that code;
``tests/test_boilerplate_speed.py`` compares both on the lines of real pages).
:func:`bind` hands this module the Python objects it calls; it returns False (and the
pure code is used) when the rule table is not the one this dispatch was written for.
"""

from libc.stdlib cimport free, malloc


cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object o)
    bint Py_UNICODE_ISSPACE(Py_UCS4 c)
    bint Py_UNICODE_ISDIGIT(Py_UCS4 c)
    bint Py_UNICODE_ISDECIMAL(Py_UCS4 c)
    object PyUnicode_FromKindAndData(int kind, const void* buffer, Py_ssize_t size)
    int PyUnicode_KIND(object o)
    void PyUnicode_WRITE(int kind, void* data, Py_ssize_t index, Py_UCS4 value)
    Py_UCS4 PyUnicode_READ(int kind, const void* data, Py_ssize_t index)
    bint Py_UNICODE_ISALNUM(Py_UCS4 c)
    int PyUnicode_4BYTE_KIND


# (name, longest line in characters, most words, fires on a line ending like a sentence)
# of rules.RULES, in order: what the dispatch below was written for
DEF ANY = 1 << 62
RULE_ORDER = (
    ("symbols", ANY, ANY, True), ("dateline", ANY, ANY, True), ("counter", 200, 8, True),
    ("photo-credit", 200, 8, False), ("date", 200, 14, True), ("read-also", 200, ANY, True),
    ("photo-credit", ANY, ANY, True), ("copyright", 1000, ANY, True),
    ("cookie-notice", 1000, ANY, True), ("call-to-action", ANY, 60, True),
    ("menu", ANY, 40, False),
)
DEF SHORT = 200
DEF TOKENS_UPTO = 1000  # Line.tokens is None for longer lines
DEF FURNITURE = 0
DEF FRAGMENT = 1
DEF SENTENCE = 2
DEF ANCHOR = 3
DEF MAXSET = 64

cdef object _canonical = None, _normalize_key = None, _has_sentences = None
cdef object _Line = None, _Analysis = None, _phrases = None, _phrase_rule = None
cdef object _dateline = None, _counter = None, _agency = None, _date = None, _read_also = None
cdef object _photo_credit = None, _copyright = None, _cookie = None, _cta = None, _menu = None
cdef frozenset _date_words = frozenset(), _read_first = frozenset(), _credit_first = frozenset()
cdef frozenset _cta_first = frozenset(), _rights_tokens = frozenset()
cdef frozenset _agency_tokens = frozenset()
cdef tuple _rights_unspaced = (), _cookie_hints = ()
cdef object _tuple_new = tuple.__new__
cdef long _anchor_units = 8, _long_units = 15
cdef Py_UCS4 _closers[MAXSET]
cdef Py_UCS4 _sent_end[MAXSET]
cdef Py_UCS4 _clause_end[MAXSET]
cdef int _n_closers = 0, _n_sent = 0, _n_clause = 0
# per BMP code point, what keys.canonical does with it: 0 nothing, 1 drop it, 2-7 replace
# it with _repl[class], DASHES a run of them becomes " - ", BULLET first becomes "-"
DEF DASHES = 250
DEF BULLET = 251
cdef unsigned char _canon_cls[65536]
cdef Py_UCS4 _repl[8][4]
cdef int _repl_len[8]
cdef object _is_normalized = None, _nfkc = None


cdef int _fill(Py_UCS4* arr, chars) except -1:
    cdef list cs = sorted(chars)
    if len(cs) > MAXSET:
        raise ValueError("character set too large")
    for k in range(len(cs)):
        arr[k] = ord(cs[k])
    return len(cs)


def bind(*, canonical, normalize_key, has_sentences, Line, Analysis, shipped_phrases,
         rules, phrase_rule, lexicon, anchor_units, long_units, canon, unicodedata):
    """Hand over the pure code's objects; False when ``rules`` (``rules.RULES``) is not
    :data:`RULE_ORDER` or ``canon`` (``keys.canon_parts()``: the translation table,
    dashes and bullets of ``keys.canonical``) is not the kind this pass was written for."""
    global _canonical, _normalize_key, _has_sentences, _Line, _Analysis, _phrases
    global _phrase_rule, _dateline, _counter, _agency, _date, _read_also, _photo_credit
    global _copyright, _cookie, _cta, _menu, _date_words, _read_first, _credit_first
    global _cta_first, _rights_tokens, _anchor_units, _n_closers, _n_sent, _n_clause
    global _is_normalized, _nfkc, _long_units, _agency_tokens, _rights_unspaced, _cookie_hints
    if tuple((r[0], r[2], r[3], r[4]) for r in rules) != RULE_ORDER:
        return False
    fns = [r[1] for r in rules]
    (_, _dateline, _counter, _agency, _date, _read_also, _photo_credit, _copyright, _cookie,
     _cta, _menu) = fns
    _canonical, _normalize_key = canonical, normalize_key
    _has_sentences, _Line, _Analysis = has_sentences, Line, Analysis
    _phrases, _phrase_rule = shipped_phrases, phrase_rule
    _date_words = frozenset(lexicon.DATE_WORDS)
    _read_first = frozenset(lexicon.READ_ALSO_FIRST)
    _credit_first = frozenset(lexicon.CREDIT_FIRST)
    _cta_first = frozenset(lexicon.CTA_FIRST)
    _rights_tokens = frozenset(lexicon.RIGHTS_TOKENS)
    _agency_tokens = frozenset(lexicon.AGENCY_TOKENS)
    _rights_unspaced = tuple(lexicon.RIGHTS_UNSPACED)
    _cookie_hints = tuple(lexicon.COOKIE_HINTS)
    _n_closers = _fill(_closers, set(lexicon.TRAIL_CLOSERS))
    _n_sent = _fill(_sent_end, lexicon.SENTENCE_END)
    _n_clause = _fill(_clause_end, lexicon.CLAUSE_END)
    _anchor_units, _long_units = anchor_units, long_units
    _is_normalized, _nfkc = unicodedata.is_normalized, unicodedata.normalize
    return _canon_classes(canon[0], canon[1], canon[2])


cdef bint _canon_classes(dict table, str dashes, str bullets) except -1:
    cdef list values = [None, ""]
    cdef long code
    cdef int cls, r
    for code in range(65536):
        _canon_cls[code] = 0
    for code, v in table.items():
        v = v or ""
        if code >= 0x10000 or len(v) > 3:  # _canon_wide's buffer holds 3 per character
            return False
        if v not in values:
            if len(values) >= 8:
                return False
            values.append(v)
        cls = values.index(v) if v else 1
        _canon_cls[code] = cls
        _repl_len[cls] = len(v)
        for r in range(len(v)):
            _repl[cls][r] = ord(v[r])
    for chars, cls in ((dashes, DASHES), (bullets, BULLET)):
        for ch in chars:
            code = ord(ch)
            if code >= 0x10000 or _canon_cls[code]:
                return False
            _canon_cls[code] = cls
    return True


cdef inline bint _among(Py_UCS4 c, Py_UCS4* arr, int n) noexcept:
    cdef int k
    for k in range(n):
        if arr[k] == c:
            return True
    return False


cdef inline bint _unspaced(Py_UCS4 c) noexcept:
    # lexicon.UNSPACED_RE (checked against it on every code point by the tests)
    return (0x3040 <= c <= 0x30ff or 0x3400 <= c <= 0x4dbf or 0x4e00 <= c <= 0x9fff
            or 0xf900 <= c <= 0xfaff or 0x0e00 <= c <= 0x0eff or 0x1000 <= c <= 0x109f
            or 0x1780 <= c <= 0x17ff)


cdef long _units(str s):
    cdef Py_ssize_t k, n = len(s)
    cdef long words = 0, unspaced = 0
    cdef bint inword = False, sp
    cdef Py_UCS4 c
    cdef bint ascii = PyUnicode_IS_ASCII(s)
    for k in range(n):
        c = s[k]
        sp = Py_UNICODE_ISSPACE(c)
        if not sp and not inword:
            words += 1
        inword = not sp
        if not ascii and _unspaced(c):
            unspaced += 1
    return words + unspaced // 2


cdef bint _ends(str s, long n_units):
    cdef Py_ssize_t j = len(s) - 1
    while j >= 0 and _among(s[j], _closers, _n_closers):
        j -= 1
    if j < 0:
        return False
    cdef Py_UCS4 c = s[j]
    if _among(c, _sent_end, _n_sent):
        return not (c == u"." and n_units <= 1)
    if _among(c, _clause_end, _n_clause):
        return n_units >= (2 if (c == u"," or c == 0xff0c or c == 0x3001) else 3)
    return False


def units(str s):
    """``rules.units``: words, two characters of an unspaced script counting as one."""
    return _units(s)


def ends_sentence(str s, long n_units):
    """``rules.ends_sentence``."""
    return _ends(s, n_units)


cdef inline Py_ssize_t _put(Py_UCS4* buf, Py_ssize_t m, Py_UCS4 c, bint* space) noexcept:
    # one character of a canonical line: a space only between two others
    if c == 32:
        space[0] = m > 0
        return m
    if space[0]:
        buf[m] = 32
        m += 1
        space[0] = False
    buf[m] = c
    return m + 1


cdef str _canon_wide(str raw):
    # keys.canonical of a line that is not ASCII, after NFKC, in one pass: a run of dashes
    # as " - " (its _EM_RE), the translation table, "- " for a bullet first, whitespace
    # collapsed to single spaces
    cdef str line = raw if _is_normalized("NFKC", raw) else _nfkc("NFKC", raw)
    cdef Py_ssize_t k = 0, n = len(line), m = 0
    cdef Py_UCS4* buf = <Py_UCS4*>malloc((3 * n + 4) * sizeof(Py_UCS4))
    cdef Py_UCS4 c
    cdef unsigned char cls
    cdef int r
    cdef bint space = False
    if buf == NULL:
        raise MemoryError()
    try:
        while k < n:
            c = line[k]
            k += 1
            cls = _canon_cls[c] if c < 0x10000 else 0
            if cls == 0 or cls == BULLET:
                if Py_UNICODE_ISSPACE(c):
                    c = 32
                elif cls == BULLET and m == 0:
                    m = _put(buf, m, u"-", &space)
                    c = 32
                m = _put(buf, m, c, &space)
            elif cls == DASHES:
                while k < n and line[k] < 0x10000 and _canon_cls[line[k]] == DASHES:
                    k += 1
                m = _put(buf, m, 32, &space)
                m = _put(buf, m, u"-", &space)
                m = _put(buf, m, 32, &space)
            elif cls > 1:
                for r in range(_repl_len[cls]):
                    m = _put(buf, m, _repl[cls][r], &space)
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, m)
    finally:
        free(buf)


cdef str _canon(str raw):
    # keys.canonical: its first branch (printable ASCII without a double space) here, and
    # any line that is not ASCII
    cdef Py_ssize_t k, n = len(raw)
    cdef Py_UCS4 c, prev = 0
    if PyUnicode_IS_ASCII(raw):
        for k in range(n):
            c = raw[k]
            if c < 32 or c == 127 or (c == 32 and prev == 32):
                return _canonical(raw)
            prev = c
        return raw.strip()
    return _canon_wide(raw)


def canonical(str raw):
    """``keys.canonical``."""
    return _canon(raw)


cdef str _key(str s):
    # keys.normalize_key: a line with a Chinese or Japanese date sign in Python; else the
    # line (casefolded when not ASCII) with letters and digits kept (upper-case ASCII
    # lowered, digits as 0) and the rest spaces, single spaces, runs of zeros as one:
    # the ASCII table's path and the _KeyTable path
    cdef str f
    if PyUnicode_IS_ASCII(s):
        f = s
    elif u"\u5e74" in s or u"\u6708" in s or u"\u65e5" in s or u"\u53f7" in s:
        return _normalize_key(s)
    else:
        f = s.casefold()
    cdef Py_ssize_t k, n = len(f), m = 0
    # every character written is ASCII or one of f's: f's width fits them all (a
    # 4-byte buffer was 4 bytes a character touched: 40 MB for a 10 MB ASCII line)
    cdef int kind = PyUnicode_KIND(f)
    cdef void* buf = malloc((n + 1) * kind)
    cdef Py_UCS4 c, out
    cdef bint space = False
    if buf == NULL:
        raise MemoryError()
    try:
        for k in range(n):
            c = f[k]
            if 65 <= c <= 90:
                out = <Py_UCS4>(<long>c + 32)
            elif Py_UNICODE_ISDECIMAL(c):
                out = 48
            elif Py_UNICODE_ISALNUM(c):
                out = c
            else:
                space = m > 0
                continue
            if space:
                PyUnicode_WRITE(kind, buf, m, 32)
                m += 1
                space = False
            elif out == 48 and m > 0 and PyUnicode_READ(kind, buf, m - 1) == 48:
                continue
            PyUnicode_WRITE(kind, buf, m, out)
            m += 1
        return PyUnicode_FromKindAndData(kind, buf, m)
    finally:
        free(buf)


def normalize_key(str s):
    """``keys.normalize_key``."""
    return _key(s)


cdef inline bint _has_decimal(str s):
    cdef Py_ssize_t k
    for k in range(len(s)):
        if Py_UNICODE_ISDECIMAL(s[k]):
            return True
    return False


cdef unsigned int _CRC[256]


cdef void _crc_table() noexcept:
    cdef unsigned int c, n, k
    for n in range(256):
        c = n
        for k in range(8):
            c = (0xEDB88320 ^ (c >> 1)) if c & 1 else c >> 1
        _CRC[n] = c


_crc_table()


cdef object _digest_of(str key):
    # keys.digest: zlib's crc32 of the UTF-8 bytes, and their adler32 above it
    cdef bytes data = key.encode("utf-8")
    cdef const unsigned char* b = data
    cdef Py_ssize_t k, n = len(data)
    cdef unsigned int crc = 0xFFFFFFFF, a = 1, s = 0
    for k in range(n):
        crc = _CRC[(crc ^ b[k]) & 0xFF] ^ (crc >> 8)
        a = (a + b[k]) % 65521
        s = (s + a) % 65521
    return <unsigned long long>(crc ^ 0xFFFFFFFF) | (<unsigned long long>((s << 16) | a) << 32)


def digest(str key):
    """``keys.digest``."""
    return _digest_of(key)


cdef inline bint _not_only_zeros(str key):
    cdef Py_ssize_t k
    cdef Py_UCS4 c
    for k in range(len(key)):
        c = key[k]
        if c != u"0" and c != u" ":
            return True
    return False


cdef bint _credit_tail(str s, Py_ssize_t n):
    # photo_credit's test of a caption's end: ")" last, or "...", ":" or a sign in the tail
    cdef Py_ssize_t k
    cdef Py_UCS4 c
    if s[n - 1] == u")":
        return True
    for k in range(n - 120 if n > 120 else 0, n):
        c = s[k]
        if c == 0x2026 or c == u":" or c == 0xa9:
            return True
        if c == u"." and k + 2 < n and s[k + 1] == u"." and s[k + 2] == u".":
            return True
    return False


cdef bint _menu_chars(str s):
    # menu's separators (a superset of its test: " / " needs "/", and so on)
    cdef Py_ssize_t k
    cdef Py_UCS4 c
    for k in range(len(s)):
        c = s[k]
        if (c == u"|" or c == u"/" or c == u">" or c == 0xb7 or c == 0x2022 or c == 0xbb
                or c == 0x203a):
            return True
    return False


cdef object _phrases_of(line, str key, str first, list tokens, long n_units, bint ends):
    # rules.phrase_rule(line, shipped_phrases()): a whole phrase here; a run of them or a
    # prefix asked only when the first word may start one
    ph = _phrases()
    ui = ph.ui
    if key in ui or (key.endswith(" 0") and key[:len(key) - 2] in ui):
        return "ui-phrase"
    if key in ph.lang:
        return "language-picker"
    if ends or n_units > 12 or tokens is None or len(tokens) < 2:
        return None
    if first in ph.lang_first or first in ph.first or (len(tokens) <= 7
                                                        and first in ph.prefix_first):
        return _phrase_rule(line, ph)
    return None


cdef bint _maybe_sentences(str s, long n_units):
    # what rules.has_sentences needs beyond a sentence end: a closing parenthesis, trailing
    # links, tags or emoji, or a long line
    cdef Py_ssize_t n = len(s)
    cdef Py_UCS4 c = s[n - 1], f
    if n_units >= _long_units or c == u")" or c == 0xff09 or c == u"]" or c >= 0x2600:
        return True
    cdef Py_ssize_t at = s.rfind(" ") + 1
    if at >= n:
        return False
    f = s[at]
    return f == u"#" or f == u"@" or f == u"h" or f == u"p" or f == u"w"


cdef inline bint _any_in(str key, tuple hints):
    for h in hints:
        if h in key:
            return True
    return False


cdef object _rule(line, str s, str key, list tokens, long n_units, bint ends):
    # rules.definite_rule(line, shipped_phrases()) with nothing skipped
    cdef Py_ssize_t n = len(s)
    if not key:
        return "symbols"
    if Py_UNICODE_ISDIGIT(s[n - 1]) and _dateline(line):
        return "dateline"
    cdef Py_ssize_t sp = key.find(" ")
    cdef str first = key if sp < 0 else key[:sp]
    if n <= SHORT:
        found = _phrases_of(line, key, first, tokens, n_units, ends)
        if found:
            return found
    if n <= SHORT:
        if n_units <= 8:
            if _has_decimal(s) and _counter(line):
                return "counter"
            if not ends and not _agency_tokens.isdisjoint(tokens) and _agency(line):
                return "photo-credit"
        if n_units <= 14 and (first[0] == u"0" or first in _date_words) and _date(line):
            return "date"
        if first in _read_first and _read_also(line):
            return "read-also"
    if (s[0] == 0xa9 or s[0] == u"(" or first in _credit_first
            or (n_units <= 60 and _credit_tail(s, n))) and _photo_credit(line):
        return "photo-credit"
    cdef bint key_ascii = PyUnicode_IS_ASCII(key)
    if n <= TOKENS_UPTO:
        if (first == "copyright" or u"\u00a9" in s or not _rights_tokens.isdisjoint(tokens)
                or (not key_ascii and _any_in(key, _rights_unspaced))) and _copyright(line):
            return "copyright"
        if ("cookie" in key or (not key_ascii and _any_in(key, _cookie_hints))) \
                and _cookie(line):
            return "cookie-notice"
    if n_units <= 60 and (first[:5] in _cta_first or "inbox" in key or "you " in key) \
            and _cta(line):
        return "call-to-action"
    if n_units <= 40 and not ends and _menu_chars(s) and _menu(line):
        return "menu"
    return None


def analyse(str raw):
    """``analysis.analyse(raw)``: the same ``Analysis``."""
    cdef str s = _canon(raw)
    cdef str key = _key(s)
    digest = 0
    if _not_only_zeros(key):
        digest = _digest_of(key)
    if not s:
        return _tuple_new(_Analysis, (key, "symbols", FURNITURE, digest, s))
    cdef long n = _units(s)
    cdef bint ends = _ends(s, n)
    cdef list tokens = key.split() if len(s) <= TOKENS_UPTO else None
    rule = _rule(_tuple_new(_Line, (s, key, tokens, n, ends)), s, key, tokens, n, ends)
    cdef int kind
    if rule is not None:
        kind = FURNITURE
    elif ends or (_maybe_sentences(s, n) and _has_sentences(s, n)):
        kind = ANCHOR if n >= _anchor_units else SENTENCE
    else:
        kind = FRAGMENT
    return _tuple_new(_Analysis, (key, rule, kind, digest, s))
