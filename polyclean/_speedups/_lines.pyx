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
        self.ints = <long*>malloc((12 * (m + 1) + 8) * sizeof(long))
        self.dbls = <double*>malloc((2 * (m + 1) + 8) * sizeof(double))
        if self.ints == NULL or self.dbls == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.ints)
        free(self.dbls)


def context_scores(list kinds, list strs, list keys, list blocks, list want,
                   held_weights, loose_weights, list log_table, str closers, bint vectors=False):
    """For each position of ``want``: (unanchored, context log-odds) of the present
    lines (``kinds``, canonical ``strs``, ``keys``, ``blocks``), with the context
    weights of the held and the unanchored part; ``log_table`` is context's ``_LOG``.
    ``vectors``: the feature tuples instead (for the tests)."""
    cdef Py_ssize_t m = len(kinds)
    if m == 0:
        return []
    cdef double wh[NCTX]
    cdef double wl[NCTX]
    cdef double logt[MAX_BLOCK + 2]
    cdef Py_ssize_t k, i, j, p, a, lo, hi, w, ra, rb, start
    if len(held_weights) != NCTX or len(loose_weights) != NCTX or len(log_table) != MAX_BLOCK + 2:
        raise ValueError("context weights or table of the wrong size")
    for k in range(NCTX):
        wh[k] = held_weights[k]
        wl[k] = loose_weights[k]
    for k in range(MAX_BLOCK + 2):
        logt[k] = log_table[k]
    buf = _Buf(m)
    cdef long* anchor = buf.ints
    cdef long* running = anchor + (m + 1)
    cdef long* chars = running + (m + 1)
    cdef long* prev_a = chars + (m + 1)
    cdef long* next_a = prev_a + (m + 1)
    cdef long* cnt = next_a + (m + 1)
    cdef long* acc_a = cnt + (m + 1)
    cdef long* acc_n = acc_a + (m + 1)
    cdef long* acc_t = acc_n + (m + 1)
    cdef long* run = acc_t + (m + 1)
    cdef long* colon = run + (m + 1)
    cdef long* flags = colon + (m + 1)  # bit 0: after colon, 1: unanchored, 2: title copy, 3: key
    cdef double* logc = buf.dbls
    cdef double* acc_c = logc + (m + 1)
    cdef long n_anchors = 0, first_a = m, last_a = -1, d, kd
    cdef double c
    cdef dict counts = {}
    cdef str key, title
    for i in range(m):
        kd = kinds[i]
        anchor[i] = kd == ANCHOR
        running[i] = kd >= SENTENCE
        chars[i] = len(<str>strs[i])
        c = log1p(<double>chars[i]) if chars[i] else 0.0
        logc[i] = c if c < MAX_LOG_CHARS else MAX_LOG_CHARS
        if anchor[i]:
            n_anchors += 1
            if first_a == m:
                first_a = i
            last_a = i
        colon[i] = running[i] and _ends_colon(<str>strs[i], closers)
        key = <str>keys[i]
        counts[key] = counts.get(key, 0) + 1
    d = FAR
    for i in range(m):
        prev_a[i] = d
        d = 1 if anchor[i] else _min(d + 1, FAR)
    d = FAR
    for i in range(m - 1, -1, -1):
        next_a[i] = d
        d = 1 if anchor[i] else _min(d + 1, FAR)
    title = <str>keys[0] if not running[0] else ""
    acc_a[0] = 0
    acc_n[0] = 0
    acc_t[0] = 0
    acc_c[0] = 0.0
    for i in range(m):
        key = <str>keys[i]
        cnt[i] = counts[key]
        flags[i] = (8 if key else 0) | (4 if (i > 0 and title and key == title) else 0)
        acc_a[i + 1] = acc_a[i] + anchor[i]
        acc_c[i + 1] = acc_c[i] + logc[i]
        acc_n[i + 1] = acc_n[i] + chars[i]
        acc_t[i + 1] = acc_t[i] + (cnt[i] >= TEMPLATE_REPEATS and key != "")
    # runs of lines without running text; after a colon; unanchored fragments
    for i in range(m):
        run[i] = 0
    i = 0
    while i < m:
        j = i
        while j < m and not running[j]:
            j += 1
        for k in range(i, j):
            run[k] = j - i
        i = j if j > i + 1 else i + 1
    cdef bint open_list = False
    for i in range(m):
        if running[i]:
            open_list = colon[i]
        elif open_list:
            flags[i] |= 1
    cdef bint held
    i = 0
    while i < m:
        if running[i]:
            i += 1
            continue
        j = i
        while j < m and not running[j]:
            j += 1
        p = i - 1
        a = p
        while a >= 0 and running[a] and not anchor[a]:
            a -= 1
        if i == 0:
            held = j <= 2 and j < m and anchor[j]
        elif a < 0 or not anchor[a]:
            held = False
        elif colon[p]:
            held = j - i <= LIST_RUN
        else:
            held = j - i <= MAX_RUN and j < m
        if not held:
            for k in range(i, j):
                flags[k] |= 2
        i = j
    # the main region: a maximum-sum run of line scores
    cdef double best = -INFINITY, cur = 0.0, s
    ra = rb = start = 0
    for i in range(m):
        if anchor[i]:
            s = <double>chars[i]
        elif running[i]:
            s = 0.0
        else:
            s = -REGION_COST * <double>_min(chars[i], REGION_CAP)
        if cur <= 0.0:
            cur = 0.0
            start = i
        cur += s
        if cur > best:
            best = cur
            ra = start
            rb = i
    cdef double region_share = (<double>(acc_n[rb + 1] - acc_n[ra]) / <double>acc_n[m]
                                if acc_n[m] else 0.0)
    cdef double page_template = <double>acc_t[m] / <double>m
    cdef double page_anchor = <double>n_anchors / <double>m
    cdef double page_lines = log1p(<double>_min(m, MAX_LINES))
    cdef long denom = m - 1 if m > 1 else 1
    # blocks: their numbers never decrease along the page
    cdef _Buf bbuf = _Buf(m)
    cdef long* bsz = bbuf.ints
    cdef long* ban = bsz + (m + 1)
    cdef long bcur, banc
    i = 0
    while i < m:
        bcur = blocks[i]
        j = i
        banc = 0
        while j < m and <long>blocks[j] == bcur:
            banc += anchor[j]
            j += 1
        for k in range(i, j):
            bsz[k] = j - i
            ban[k] = banc
        i = j
    cdef double x[NCTX]
    cdef double* wt
    cdef Acc acc
    cdef long size, gap
    cdef bint loose
    out = []
    for pos in want:
        i = pos
        lo = i - WINDOW if i > WINDOW else 0
        hi = i + WINDOW + 1 if i + WINDOW + 1 < m else m
        w = hi - lo - 1
        if w == 0:
            w = 1
        size = bsz[i]
        x[0] = <double>i / <double>denom
        x[1] = 1.0 if i < first_a else 0.0
        x[2] = 1.0 if i > last_a else 0.0
        x[3] = logt[prev_a[i]]
        x[4] = logt[next_a[i]]
        x[5] = 1.0 if (i > 0 and running[i - 1]) else 0.0
        x[6] = 1.0 if (i + 1 < m and running[i + 1]) else 0.0
        x[7] = 1.0 if (i > 0 and anchor[i - 1]) else 0.0
        x[8] = 1.0 if (i + 1 < m and anchor[i + 1]) else 0.0
        x[9] = logc[i - 1] if i > 0 else 0.0
        x[10] = logc[i + 1] if i + 1 < m else 0.0
        x[11] = <double>(acc_a[hi] - acc_a[lo] - anchor[i]) / <double>w
        x[12] = (acc_c[hi] - acc_c[lo] - logc[i]) / <double>w
        x[13] = logt[_min(size, MAX_BLOCK)]
        x[14] = 1.0 if size == 1 else 0.0
        x[15] = <double>ban[i] / <double>size
        x[16] = log1p(<double>_min(run[i], MAX_BLOCK)) if run[i] else 0.0
        x[17] = 1.0 if flags[i] & 1 else 0.0
        x[18] = logt[_min(cnt[i], MAX_REPEATS)] if flags[i] & 8 else 0.0
        x[19] = 1.0 if flags[i] & 4 else 0.0
        x[20] = page_anchor
        x[21] = page_lines
        loose = (flags[i] & 2) != 0
        x[22] = 1.0 if loose else 0.0
        if i < ra:
            x[23] = 0.0
            x[24] = 1.0
            x[25] = 0.0
            x[26] = log1p(<double>_min(ra - i, MAX_BLOCK))
            gap = _min(acc_n[ra] - acc_n[i + 1], MAX_GAP)
            x[27] = log1p(<double>gap) if gap else 0.0
        elif i > rb:
            x[23] = 0.0
            x[24] = 0.0
            x[25] = 1.0
            x[26] = log1p(<double>_min(i - rb, MAX_BLOCK))
            gap = _min(acc_n[i] - acc_n[rb + 1], MAX_GAP)
            x[27] = log1p(<double>gap) if gap else 0.0
        else:
            x[23] = 1.0
            x[24] = 0.0
            x[25] = 0.0
            x[26] = 0.0
            x[27] = 0.0
        x[28] = region_share
        x[29] = <double>(acc_t[hi] - acc_t[lo] - acc_t[i + 1] + acc_t[i]) / <double>w
        x[30] = page_template
        if vectors:
            out.append(tuple([x[k] for k in range(NCTX)]))
            continue
        if loose:
            wt = &wl[0]
        else:
            wt = &wh[0]
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
    cdef long upper = 0, lower = 0, digits = 0, punct = 0, seps = 0
    cdef Py_UCS4 c
    for k in range(n):
        c = head[k]
        if Py_UNICODE_ISUPPER(c):
            upper += 1
        if Py_UNICODE_ISLOWER(c):
            lower += 1
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
        bullet_re.match(s) is not None, upper, len(head) >= 4 and head.isupper(),
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
