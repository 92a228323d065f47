# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False
"""Compiled context part of the boilerplate line classifier (see
``polyclean/boilerplate/context.py`` and ``remover.py``).

:func:`context_scores` computes, for the wanted present lines of a page, whether the
line is ``unanchored_fragment`` and the dot product of its context features with the
context weights of that part of the model: the pure code's ``context_features``
followed by ``sum(map(mul, weights, features))``, without building the feature tuples.
:func:`line_features` is ``features.line_features`` (the features of a line on its
own), with the shape counts of a line in one C loop.

Every answer is the pure-Python code's (``POLYCLEAN_PURE=1`` selects that code;
``tests/test_boilerplate_speed.py`` compares both): the same doubles, from the same
libm functions, are multiplied and added in the same order, as Python's ``sum`` adds
them (plainly before Python 3.12, with Neumaier's compensation from 3.12 on).
"""

from libc.math cimport log1p, INFINITY
from libc.stdlib cimport free, malloc

from polyclean._speedups._fsum cimport Acc, _add, _total


cdef extern from "Python.h":
    bint Py_UNICODE_ISUPPER(Py_UCS4 c)
    bint Py_UNICODE_ISLOWER(Py_UCS4 c)
    bint Py_UNICODE_ISDECIMAL(Py_UCS4 c)
    bint Py_UNICODE_ISALNUM(Py_UCS4 c)
    bint Py_UNICODE_ISSPACE(Py_UCS4 c)
    bint Py_UNICODE_ISALPHA(Py_UCS4 c)

# the constants of polyclean/boilerplate/context.py (checked by the caller's tests)
DEF FAR = 12
DEF WINDOW = 3
DEF MAX_LOG_CHARS = 8.0
DEF MAX_BLOCK = 200
DEF MAX_REPEATS = 50
DEF MAX_LINES = 2000
DEF MAX_GAP = 20000
DEF TEMPLATE_REPEATS = 3
DEF REGION_COST = 1.5
DEF REGION_CAP = 80
DEF MAX_RUN = 10
DEF LIST_RUN = 60
DEF NCTX = 31
DEF SENTENCE = 2
DEF ANCHOR = 3


cdef inline long _min(long a, long b) noexcept nogil:
    return a if a < b else b


cdef inline bint _ends_colon(str s, str closers):
    cdef str t = s.rstrip(closers)
    if not t:
        return False
    return t[len(t) - 1] in (":", "\uff1a")


cdef class _Buf:
    """The per-line arrays of one page (freed with the object)."""
    cdef long* ints
    cdef double* dbls

    def __cinit__(self, Py_ssize_t m):
        self.ints = <long*>malloc((14 * (m + 1) + 8) * sizeof(long))
        self.dbls = <double*>malloc((2 * (m + 1) + 8) * sizeof(double))
        if self.ints == NULL or self.dbls == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.ints)
        free(self.dbls)


cdef struct Page:
    # what context_features computes once per page, line by line and for the whole page
    long m
    long* anchor
    long* running
    long* chars
    long* prev_a
    long* next_a
    long* cnt
    long* acc_a
    long* acc_n
    long* acc_t
    long* run
    long* colon
    long* flags  # bit 0: after colon, 1: unanchored, 2: title copy, 3: has a key
    long* bsz
    long* ban
    double* logc
    double* acc_c
    long n_anchors, first_a, last_a, ra, rb, denom
    double region_share, page_template, page_anchor, page_lines


cdef void _layout(Page* pg, _Buf buf, long m) noexcept:
    cdef long* p = buf.ints
    cdef long** arrays[14]
    arrays[:] = [&pg.anchor, &pg.running, &pg.chars, &pg.prev_a, &pg.next_a, &pg.cnt,
                 &pg.acc_a, &pg.acc_n, &pg.acc_t, &pg.run, &pg.colon, &pg.flags, &pg.bsz,
                 &pg.ban]
    cdef int k
    for k in range(14):
        arrays[k][0] = p + k * (m + 1)
    pg.logc = buf.dbls
    pg.acc_c = buf.dbls + (m + 1)
    pg.m = m


cdef int _lines_of(Page* pg, list kinds, list strs, list keys, str closers) except -1:
    # each line's kind, characters and colon; repeats of its key, title copies; prefix sums
    cdef long m = pg.m, i, kd
    cdef double c
    cdef dict counts = {}
    cdef str key, title
    pg.n_anchors = 0
    pg.first_a = m
    pg.last_a = -1
    for i in range(m):
        kd = kinds[i]
        pg.anchor[i] = kd == ANCHOR
        pg.running[i] = kd >= SENTENCE
        pg.chars[i] = len(<str>strs[i])
        c = log1p(<double>pg.chars[i]) if pg.chars[i] else 0.0
        pg.logc[i] = c if c < MAX_LOG_CHARS else MAX_LOG_CHARS
        if pg.anchor[i]:
            pg.n_anchors += 1
            if pg.first_a == m:
                pg.first_a = i
            pg.last_a = i
        pg.colon[i] = pg.running[i] and _ends_colon(<str>strs[i], closers)
        key = <str>keys[i]
        counts[key] = counts.get(key, 0) + 1
    title = <str>keys[0] if not pg.running[0] else ""
    pg.acc_a[0] = 0
    pg.acc_n[0] = 0
    pg.acc_t[0] = 0
    pg.acc_c[0] = 0.0
    for i in range(m):
        key = <str>keys[i]
        pg.cnt[i] = counts[key]
        pg.flags[i] = (8 if key else 0) | (4 if (i > 0 and title and key == title) else 0)
        pg.acc_a[i + 1] = pg.acc_a[i] + pg.anchor[i]
        pg.acc_c[i + 1] = pg.acc_c[i] + pg.logc[i]
        pg.acc_n[i + 1] = pg.acc_n[i] + pg.chars[i]
        pg.acc_t[i + 1] = pg.acc_t[i] + (pg.cnt[i] >= TEMPLATE_REPEATS and key != "")
    return 0


cdef void _distances(Page* pg) noexcept:
    # to the nearest anchor before and after each line, capped at FAR
    cdef long d = FAR, i, m = pg.m
    for i in range(m):
        pg.prev_a[i] = d
        d = 1 if pg.anchor[i] else _min(d + 1, FAR)
    d = FAR
    for i in range(m - 1, -1, -1):
        pg.next_a[i] = d
        d = 1 if pg.anchor[i] else _min(d + 1, FAR)


cdef void _runs(Page* pg) noexcept:
    # runs of lines without running text; the lines after a colon
    cdef long m = pg.m, i = 0, j, k
    cdef bint open_list = False
    for i in range(m):
        pg.run[i] = 0
    i = 0
    while i < m:
        j = i
        while j < m and not pg.running[j]:
            j += 1
        for k in range(i, j):
            pg.run[k] = j - i
        i = j if j > i + 1 else i + 1
    for i in range(m):
        if pg.running[i]:
            open_list = pg.colon[i]
        elif open_list:
            pg.flags[i] |= 1


cdef void _unanchored(Page* pg) noexcept:
    # the runs of lines without running text that no body text holds
    cdef long m = pg.m, i = 0, j, k, p, a
    cdef bint held
    while i < m:
        if pg.running[i]:
            i += 1
            continue
        j = i
        while j < m and not pg.running[j]:
            j += 1
        p = i - 1
        a = p
        while a >= 0 and pg.running[a] and not pg.anchor[a]:
            a -= 1
        if i == 0:
            held = j <= 2 and j < m and pg.anchor[j]
        elif a < 0 or not pg.anchor[a]:
            held = False
        elif pg.colon[p]:
            held = j - i <= LIST_RUN
        else:
            held = j - i <= MAX_RUN and j < m
        if not held:
            for k in range(i, j):
                pg.flags[k] |= 2
        i = j


cdef void _region(Page* pg) noexcept:
    # the main region (a maximum-sum run of line scores) and the page's shares
    cdef long m = pg.m, i, ra = 0, rb = 0, start = 0
    cdef double best = -INFINITY, cur = 0.0, s
    for i in range(m):
        if pg.anchor[i]:
            s = <double>pg.chars[i]
        elif pg.running[i]:
            s = 0.0
        else:
            s = -REGION_COST * <double>_min(pg.chars[i], REGION_CAP)
        if cur <= 0.0:
            cur = 0.0
            start = i
        cur += s
        if cur > best:
            best = cur
            ra = start
            rb = i
    pg.ra = ra
    pg.rb = rb
    pg.region_share = (<double>(pg.acc_n[rb + 1] - pg.acc_n[ra]) / <double>pg.acc_n[m]
                       if pg.acc_n[m] else 0.0)
    pg.page_template = <double>pg.acc_t[m] / <double>m
    pg.page_anchor = <double>pg.n_anchors / <double>m
    pg.page_lines = log1p(<double>_min(m, MAX_LINES))
    pg.denom = m - 1 if m > 1 else 1


cdef int _blocks_of(Page* pg, list blocks) except -1:
    # each line's block size and anchors (block numbers never decrease along the page)
    cdef long m = pg.m, i = 0, j, k, bcur, banc
    while i < m:
        bcur = blocks[i]
        j = i
        banc = 0
        while j < m and <long>blocks[j] == bcur:
            banc += pg.anchor[j]
            j += 1
        for k in range(i, j):
            pg.bsz[k] = j - i
            pg.ban[k] = banc
        i = j
    return 0


cdef bint _features(Page* pg, long i, double* logt, double* x) noexcept:
    # the context features of line i (context_features' tuple); True when unanchored
    cdef long m = pg.m, lo, hi, w, size, gap
    lo = i - WINDOW if i > WINDOW else 0
    hi = i + WINDOW + 1 if i + WINDOW + 1 < m else m
    w = hi - lo - 1
    if w == 0:
        w = 1
    size = pg.bsz[i]
    x[0] = <double>i / <double>pg.denom
    x[1] = 1.0 if i < pg.first_a else 0.0
    x[2] = 1.0 if i > pg.last_a else 0.0
    x[3] = logt[pg.prev_a[i]]
    x[4] = logt[pg.next_a[i]]
    x[5] = 1.0 if (i > 0 and pg.running[i - 1]) else 0.0
    x[6] = 1.0 if (i + 1 < m and pg.running[i + 1]) else 0.0
    x[7] = 1.0 if (i > 0 and pg.anchor[i - 1]) else 0.0
    x[8] = 1.0 if (i + 1 < m and pg.anchor[i + 1]) else 0.0
    x[9] = pg.logc[i - 1] if i > 0 else 0.0
    x[10] = pg.logc[i + 1] if i + 1 < m else 0.0
    x[11] = <double>(pg.acc_a[hi] - pg.acc_a[lo] - pg.anchor[i]) / <double>w
    x[12] = (pg.acc_c[hi] - pg.acc_c[lo] - pg.logc[i]) / <double>w
    x[13] = logt[_min(size, MAX_BLOCK)]
    x[14] = 1.0 if size == 1 else 0.0
    x[15] = <double>pg.ban[i] / <double>size
    x[16] = log1p(<double>_min(pg.run[i], MAX_BLOCK)) if pg.run[i] else 0.0
    x[17] = 1.0 if pg.flags[i] & 1 else 0.0
    x[18] = logt[_min(pg.cnt[i], MAX_REPEATS)] if pg.flags[i] & 8 else 0.0
    x[19] = 1.0 if pg.flags[i] & 4 else 0.0
    x[20] = pg.page_anchor
    x[21] = pg.page_lines
    cdef bint loose = (pg.flags[i] & 2) != 0
    x[22] = 1.0 if loose else 0.0
    x[23] = x[24] = x[25] = x[26] = x[27] = 0.0
    if i < pg.ra:
        x[24] = 1.0
        x[26] = log1p(<double>_min(pg.ra - i, MAX_BLOCK))
        gap = _min(pg.acc_n[pg.ra] - pg.acc_n[i + 1], MAX_GAP)
        x[27] = log1p(<double>gap) if gap else 0.0
    elif i > pg.rb:
        x[25] = 1.0
        x[26] = log1p(<double>_min(i - pg.rb, MAX_BLOCK))
        gap = _min(pg.acc_n[i] - pg.acc_n[pg.rb + 1], MAX_GAP)
        x[27] = log1p(<double>gap) if gap else 0.0
    else:
        x[23] = 1.0
    x[28] = pg.region_share
    x[29] = <double>(pg.acc_t[hi] - pg.acc_t[lo] - pg.acc_t[i + 1] + pg.acc_t[i]) / <double>w
    x[30] = pg.page_template
    return loose


def context_scores(list kinds, list strs, list keys, list blocks, list want,
                   held_weights, loose_weights, list log_table, str closers, bint vectors=False):
    """For each position of ``want``: (unanchored, context log-odds) of the present
    lines (``kinds``, canonical ``strs``, ``keys``, ``blocks``), with the context
    weights of the held and the unanchored part; ``log_table`` is context's ``_LOG``.
    ``vectors``: the feature tuples instead (for the tests)."""
    cdef Py_ssize_t m = len(kinds), k
    if m == 0:
        return []
    cdef double wh[NCTX]
    cdef double wl[NCTX]
    cdef double logt[MAX_BLOCK + 2]
    if len(held_weights) != NCTX or len(loose_weights) != NCTX or len(log_table) != MAX_BLOCK + 2:
        raise ValueError("context weights or table of the wrong size")
    for k in range(NCTX):
        wh[k] = held_weights[k]
        wl[k] = loose_weights[k]
    for k in range(MAX_BLOCK + 2):
        logt[k] = log_table[k]
    buf = _Buf(m)
    cdef Page pg
    _layout(&pg, buf, m)
    _lines_of(&pg, kinds, strs, keys, closers)
    _distances(&pg)
    _runs(&pg)
    _unanchored(&pg)
    _region(&pg)
    _blocks_of(&pg, blocks)
    cdef double x[NCTX]
    cdef double* wt
    cdef Acc acc
    cdef bint loose
    out = []
    for pos in want:
        loose = _features(&pg, pos, logt, x)
        if vectors:
            out.append(tuple([x[k] for k in range(NCTX)]))
            continue
        wt = &wl[0] if loose else &wh[0]
        acc.f = 0.0
        acc.c = 0.0
        for k in range(NCTX):
            _add(&acc, wt[k] * x[k])
        out.append((loose, _total(&acc)))
    return out


cdef inline tuple _shape(str head, bint ascii):
    # _shape of features.py, in one pass: for an ASCII head its byte tables (punctuation:
    # neither a letter, a digit nor a space); else str.isupper and str.islower of each
    # character, re's \d (a decimal digit) and [^\w\s]|_ (\w: alphanumeric or "_")
    cdef Py_ssize_t n = len(head), k
    cdef long upper = 0, lower = 0, digits = 0, punct = 0, seps = 0, alpha = 0
    cdef Py_UCS4 c
    for k in range(n):
        c = head[k]
        if Py_UNICODE_ISUPPER(c):
            upper += 1
        if Py_UNICODE_ISLOWER(c):
            lower += 1
        if not ascii and Py_UNICODE_ISALPHA(c):
            alpha += 1
        if Py_UNICODE_ISDECIMAL(c):
            digits += 1
        if ascii:
            punct += not Py_UNICODE_ISALNUM(c) and c != 32
        else:
            punct += c == u"_" or not (Py_UNICODE_ISALNUM(c) or Py_UNICODE_ISSPACE(c))
        if c == u"|" or c == u">" or c == u"/" or (not ascii and (
                c == 0xbb or c == 0x203a or c == 0xb7 or c == 0x2022)):
            seps += 1
    cdef long cased = upper + lower
    if not ascii and cased and 2 * cased < alpha:
        cased = 0  # mostly letters without case: an acronym in them is no case
    return ((<double>upper / <double>cased) if cased else -1.0, <double>digits / <double>n,
            <double>punct / <double>n, seps)


def line_features(str s, str key, long units, ends, running, common, ui, cover_tokens,
                  date_words, str closers, unspaced_re, urlish_re, bullet_re,
                  long anchor_units):
    """``features.line_features`` (the same tuple)."""
    cdef str head = s if len(s) <= 400 else s[:400]
    cdef list toks = key.split()
    cdef Py_ssize_t nt0 = len(toks)
    cdef Py_ssize_t nt = nt0 or 1
    words = set(toks)
    cdef Py_ssize_t nw = len(words) or 1
    cdef str t = s.rstrip(closers)
    last = t[len(t) - 1] if t else ""
    first = s[0]
    if nt0:
        ui_start = toks[0] in ui or (nt > 1 and (" ".join(toks[:2]) in ui
                                                 or (nt > 2 and " ".join(toks[:3]) in ui)))
    else:
        ui_start = False
    cdef bint ascii = s.isascii()
    upper, digits, punct, seps = _shape(head, ascii)
    cdef double mean_word = 0.0
    if nt0:
        mean_word = <double>(len(key) - nt + 1) / <double>nt
        if 20 < mean_word:
            mean_word = 20
        mean_word = mean_word / 10
    cdef double commas = <double>s.count(",") / <double>nt
    if 1.0 < commas:
        commas = 1.0
    return (
        log1p(<double>len(s)), log1p(<double>units) if units else 0.0, ends, running,
        running and units >= anchor_units,
        last in ":\uff1a", last in "?\uff1f", last == "!", first.islower(), first.isdigit(),
        bullet_re.match(s) is not None, upper, upper >= 0 and len(head) >= 4 and head.isupper(),
        digits, punct,
        ("@" in head or "#" in head or "http" in head or "www." in head or ".com" in head
         or ".org" in head) and urlish_re.search(head) is not None,
        (seps if seps < 5 else 5) / 5,
        <double>len(words.intersection(common)) / <double>nw,
        <double>len(words.intersection(cover_tokens)) / <double>nw,
        ui_start, <double>(len(words.intersection(date_words)) + ("0" in words)) / <double>nw,
        min(head.count(". ") + head.count("? ") + head.count("! "), 3),
        commas, mean_word,
        not ascii and unspaced_re.search(s) is not None,
        not running and units <= 4,
    )
