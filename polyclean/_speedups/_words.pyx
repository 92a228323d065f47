# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False
"""Compiled word tables of language detection (see ``polyclean/detect/store.py``).

A *table* is one packed, read-only buffer (a memory-mapped file): words as UTF-8 in
one blob, an open-addressing hash table of their indices (FNV-1a) and one 64-bit
value per word.  :class:`Words` reads a language's table as a ``word -> frequency``
mapping; :class:`Lex` works out a word's facts against the peer languages (the bits of
``polyclean.detect.lexicon``) and the tallies of whole segments, one call each.

Every answer is the pure-Python code's (``POLYCLEAN_PURE=1`` selects that code;
``tests/test_speedups.py`` compares both): frequencies come from the same Python
floats, comparisons are the same double-precision operations.
"""

from libc.stdint cimport uint8_t, uint32_t, uint64_t
from libc.math cimport log
from libc.stdlib cimport calloc, free
from libc.string cimport memcmp, memcpy, memset

cdef extern from *:
    void __builtin_prefetch(const void* addr) noexcept nogil

cdef extern from "Python.h":
    const char* PyUnicode_AsUTF8AndSize(object, Py_ssize_t*)
    void PyErr_Clear()
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    int PyUnicode_KIND(object)
    void* PyUnicode_DATA(object)
    uint32_t PyUnicode_READ(int kind, void* data, Py_ssize_t index)
    int Py_UNICODE_ISALNUM(uint32_t)
    int Py_UNICODE_ISDECIMAL(uint32_t)

MAGIC = b"PCWORDS1"
cdef const char* _MAGIC = b"PCWORDS1"
cdef enum:
    HEADER = 32
    NONE_CB = 0xFFFF
    MAX_CB = 2048
    TOKEN_CAP = 4096  # bytes of a word looked up (wordfreq's words are far shorter)

# A lexicon's cache of word facts: direct-mapped, keyed by the word's UTF-8 (compared in
# full), for words of at most CACHED_BYTES bytes.
cdef enum:
    CACHE_SLOTS = 4096
    CACHED_BYTES = 20

# _scan looks words up BATCH at a time: their cache entries and table slots are
# prefetched first, so that the memory reads of a batch overlap
cdef enum:
    BATCH = 16

cdef struct CacheEntry:
    uint64_t value
    uint32_t hash
    uint32_t ln  # 0: empty
    char word[CACHED_BYTES]


# the layout of a table: header (magic, n, slots, blob length), values u64[n],
# slots u32[slots] (0 empty, else index + 1), offsets u32[n + 1], blob


cdef inline const char* _utf8(object w, Py_ssize_t* ln):
    # the UTF-8 of the str ``w`` (cached in it), or NULL for a lone surrogate: such a
    # word is in no list
    cdef const char* s = PyUnicode_AsUTF8AndSize(w, ln)
    if s == NULL:
        PyErr_Clear()
    return s


cdef inline uint64_t _fnv(const char* s, Py_ssize_t n) noexcept nogil:
    cdef uint64_t h = 14695981039346656037ULL
    cdef Py_ssize_t i
    for i in range(n):
        h = (h ^ <uint8_t>s[i]) * 1099511628211ULL
    return h


def pack(list words, values) -> bytes:
    """The table of distinct ``words`` with their ``values`` (64-bit integers)."""
    cdef Py_ssize_t n = len(words), i, ln
    cdef uint64_t nslots = 8
    if len(values) != n:
        raise ValueError("one value per word")
    while nslots < 2 * <uint64_t>n:
        nslots <<= 1
    encoded = [w.encode("utf-8") for w in words]
    blob = b"".join(encoded)
    cdef Py_ssize_t blen = len(blob)
    if blen >= 0xFFFFFFFF or n >= 0xFFFFFFFF:
        raise ValueError("word list too large for a table")
    cdef Py_ssize_t size = HEADER + 8 * n + 4 * nslots + 4 * (n + 1) + blen
    out = bytearray(size)
    cdef unsigned char[::1] mv = out
    cdef unsigned char* base = &mv[0]
    memcpy(base, _MAGIC, 8)
    cdef uint32_t* hdr = <uint32_t*>(base + 8)
    hdr[0] = <uint32_t>n
    hdr[1] = <uint32_t>nslots
    (<uint64_t*>(base + 16))[0] = <uint64_t>blen
    cdef uint64_t* vals = <uint64_t*>(base + HEADER)
    cdef uint32_t* slots = <uint32_t*>(base + HEADER + 8 * n)
    cdef uint32_t* offsets = <uint32_t*>(base + HEADER + 8 * n + 4 * nslots)
    cdef unsigned char* bl = base + HEADER + 8 * n + 4 * nslots + 4 * (n + 1)
    cdef const unsigned char[::1] bv
    if blen:
        bv = blob
        memcpy(bl, &bv[0], blen)
    cdef uint32_t pos = 0
    cdef uint64_t h, mask = nslots - 1
    for i in range(n):
        vals[i] = <uint64_t>values[i]
        offsets[i] = pos
        ln = len(<bytes>encoded[i])
        h = _fnv(<const char*>(bl + pos), ln) & mask
        while slots[h] != 0:
            h = (h + 1) & mask
        slots[h] = <uint32_t>(i + 1)
        pos += <uint32_t>ln
    offsets[n] = pos
    return bytes(out)


cdef class Table:
    """A packed table over a buffer (bytes or a read-only mmap), checked on opening so
    that a damaged file cannot make a look-up read outside it."""

    cdef object owner
    cdef const unsigned char[::1] mv
    cdef const uint64_t* values
    cdef const uint32_t* slots
    cdef const uint32_t* offsets
    cdef const char* blob
    cdef readonly uint32_t n
    cdef uint64_t mask

    def __cinit__(self, buf):
        self.owner = buf
        self.mv = buf
        cdef Py_ssize_t size = self.mv.shape[0]
        if size < HEADER or memcmp(&self.mv[0], _MAGIC, 8) != 0:
            raise ValueError("not a polyclean word table")
        cdef const unsigned char* base = &self.mv[0]
        cdef uint64_t n = (<const uint32_t*>(base + 8))[0]
        cdef uint64_t nslots = (<const uint32_t*>(base + 8))[1]
        cdef uint64_t blen = (<const uint64_t*>(base + 16))[0]
        if nslots == 0 or nslots & (nslots - 1) or nslots < n or \
                <uint64_t>size != HEADER + 8 * n + 4 * nslots + 4 * (n + 1) + blen:
            raise ValueError("damaged polyclean word table")
        self.n = <uint32_t>n
        self.mask = nslots - 1
        self.values = <const uint64_t*>(base + HEADER)
        self.slots = <const uint32_t*>(base + HEADER + 8 * n)
        self.offsets = <const uint32_t*>(base + HEADER + 8 * n + 4 * nslots)
        self.blob = <const char*>(base + HEADER + 8 * n + 4 * nslots + 4 * (n + 1))
        cdef uint64_t i
        if self.offsets[0] != 0 or self.offsets[n] != blen:
            raise ValueError("damaged polyclean word table")
        for i in range(n):
            if self.offsets[i] > self.offsets[i + 1]:
                raise ValueError("damaged polyclean word table")
        for i in range(nslots):
            if self.slots[i] > n:
                raise ValueError("damaged polyclean word table")

    cdef inline Py_ssize_t find(self, object w):
        # the index of ``w`` (a str), or -1
        cdef Py_ssize_t ln
        cdef const char* s = _utf8(w, &ln)
        return -1 if s == NULL else self.find_raw(s, ln)

    cdef inline Py_ssize_t find_raw(self, const char* s, Py_ssize_t ln):
        # the index of the word of UTF-8 ``s[:ln]``, or -1
        cdef uint64_t h = _fnv(s, ln) & self.mask
        cdef uint32_t k, a
        while True:
            k = self.slots[h]
            if k == 0:
                return -1
            k -= 1
            a = self.offsets[k]
            if self.offsets[k + 1] - a == <uint32_t>ln and memcmp(self.blob + a, s, ln) == 0:
                return k
            h = (h + 1) & self.mask

    def value(self, str w):
        """The value of ``w``, or None."""
        cdef Py_ssize_t k = self.find(w)
        return None if k < 0 else self.values[k]

    def words(self):
        """Every word of the table, in its order."""
        cdef uint32_t i
        return [self.blob[self.offsets[i]:self.offsets[i + 1]].decode("utf-8")
                for i in range(self.n)]


cdef inline bint _is_letter(uint32_t c) noexcept:
    # ``[^\W\d_]`` of Python's re: alphanumeric, not a decimal digit, not "_"
    if c < 128:
        return <uint32_t>((c | 32) - 97) < 26
    return Py_UNICODE_ISALNUM(c) and not Py_UNICODE_ISDECIMAL(c)


cdef inline Py_ssize_t _put(char* buf, Py_ssize_t ln, uint32_t c) noexcept:
    # ``c`` appended to ``buf[:ln]`` as UTF-8 (nothing past TOKEN_CAP: such a word is in
    # no list); the new length
    if ln > TOKEN_CAP:
        return ln + 1
    if c < 0x80:
        buf[ln] = <char>c
        return ln + 1
    if c < 0x800:
        buf[ln] = <char>(0xC0 | (c >> 6))
        buf[ln + 1] = <char>(0x80 | (c & 0x3F))
        return ln + 2
    if c < 0x10000:
        buf[ln] = <char>(0xE0 | (c >> 12))
        buf[ln + 1] = <char>(0x80 | ((c >> 6) & 0x3F))
        buf[ln + 2] = <char>(0x80 | (c & 0x3F))
        return ln + 3
    buf[ln] = <char>(0xF0 | (c >> 18))
    buf[ln + 1] = <char>(0x80 | ((c >> 12) & 0x3F))
    buf[ln + 2] = <char>(0x80 | ((c >> 6) & 0x3F))
    buf[ln + 3] = <char>(0x80 | (c & 0x3F))
    return ln + 4


cdef double FREQD[MAX_CB]
cdef tuple FREQ = ()


def set_freqs(tuple freqs):
    """The frequency of each bucket (``freqs[cb]``: the Python floats of the pure code)."""
    global FREQ
    if len(freqs) > MAX_CB:
        raise ValueError("too many buckets")
    FREQ = freqs
    for i, f in enumerate(freqs):
        FREQD[i] = f


cdef class Words:
    """A language's word list read from its tables: ``get(word)`` is the frequency, the
    same float as the pure code's dict.  ``small`` is wordfreq's 'small' list; ``large``
    (or None) the rarer words of its 'large' list, looked up after it (the extended
    vocabulary of ``polyclean.detect.wordlists``)."""

    cdef readonly Table small
    cdef readonly Table large

    def __cinit__(self, Table small, Table large=None):
        self.small = small
        self.large = large

    cdef inline Py_ssize_t _cb(self, object w):
        cdef Py_ssize_t ln
        cdef const char* s = _utf8(w, &ln)
        return -1 if s == NULL else self._cb_raw(s, ln)

    cdef inline Py_ssize_t _cb_raw(self, const char* s, Py_ssize_t ln):
        cdef Py_ssize_t k = self.small.find_raw(s, ln)
        if k >= 0:
            return <Py_ssize_t>(self.small.values[k] & 0xFFFF)
        if self.large is None:
            return -1
        k = self.large.find_raw(s, ln)
        return -1 if k < 0 else <Py_ssize_t>(self.large.values[k] & 0xFFFF)

    def get(self, w, default=None):
        if type(w) is not str:
            return default
        cdef Py_ssize_t cb = self._cb(w)
        return default if cb < 0 else FREQ[cb]

    def __getitem__(self, w):
        cdef Py_ssize_t cb = self._cb(w) if type(w) is str else -1
        if cb < 0:
            raise KeyError(w)
        return FREQ[cb]

    def __contains__(self, w):
        return type(w) is str and self._cb(w) >= 0

    def __len__(self):
        return self.small.n + (self.large.n if self.large is not None else 0)

    def log_gains(self, list lower, list own, double floor):
        """``[log(get(w)) - o for w, o in zip(lower, own)]``, ``floor`` for a word not in
        the list (``inline._candidate``'s gains of one peer)."""
        cdef Py_ssize_t cb
        cdef double v
        out = []
        for w, o in zip(lower, own):
            cb = self._cb(w) if type(w) is str else -1
            v = floor if cb < 0 or FREQD[cb] == 0.0 else log(FREQD[cb])
            out.append(v - <double>o)
        return out

    def keys(self):
        """The words (a list; the pure code's dicts give a view)."""
        return self.small.words() + (self.large.words() if self.large is not None else [])


cdef class Lex:
    """The compiled core of ``lexicon._Lexicon``: a word's facts against the peers.

    ``peers`` is the script's peer table (or None): per word, the first peer (in
    ``_PEERS`` order) with the highest frequency and the best of the others; ``exclude``
    the lexicon language's index among the peers (-1 when it is not one)."""

    cdef Words own
    cdef Table peers
    cdef int exclude
    cdef bint gains
    cdef uint64_t k_known, k_distinct, k_lower_safe, k_cap_safe, k_claimed, k_unchecked
    cdef uint64_t distinct_unit, strong_unit
    cdef double distinct_ratio, evidence_ratio, name_ratio, name_min, strong_ratio
    cdef double floor_freq, unknown_freq
    cdef CacheEntry* cache

    def __cinit__(self, Words own, Table peers, int exclude, bint gains, dict k):
        self.cache = <CacheEntry*>calloc(CACHE_SLOTS, sizeof(CacheEntry))
        if self.cache == NULL:
            raise MemoryError()
        self.own = own
        self.peers = peers
        self.exclude = exclude
        self.gains = gains
        self.k_known, self.k_distinct = k["KNOWN"], k["DISTINCT"]
        self.k_lower_safe, self.k_cap_safe = k["LOWER_SAFE"], k["CAP_SAFE"]
        self.k_claimed, self.k_unchecked = k["CLAIMED"], k["UNCHECKED"]
        self.distinct_unit, self.strong_unit = k["DISTINCT_UNIT"], k["STRONG_UNIT"]
        self.distinct_ratio, self.evidence_ratio = k["DISTINCT_RATIO"], k["EVIDENCE_RATIO"]
        self.name_ratio, self.name_min = k["NAME_RATIO"], k["NAME_MIN_FREQ"]
        self.strong_ratio, self.floor_freq = k["STRONG_RATIO"], k["FLOOR_FREQ"]
        self.unknown_freq = k["UNKNOWN_FREQ"]

    cdef inline double _peer_top(self, object w):
        cdef Py_ssize_t ln
        cdef const char* s = _utf8(w, &ln)
        return 0.0 if s == NULL else self._peer_top_raw(s, ln)

    cdef inline double _peer_top_raw(self, const char* s, Py_ssize_t ln):
        if self.peers is None:
            return 0.0
        cdef Py_ssize_t k = self.peers.find_raw(s, ln)
        if k < 0:
            return 0.0
        cdef uint64_t v = self.peers.values[k]
        if <int>((v >> 16) & 0xFF) != self.exclude:
            return FREQD[v & 0xFFFF]
        v >>= 32
        if v & 0xFFFF == NONE_CB:
            return 0.0
        return FREQD[v & 0xFFFF]

    def __dealloc__(self):
        free(self.cache)

    def clear_cache(self):
        """Forget the facts kept (they are the same when worked out again)."""
        memset(self.cache, 0, CACHE_SLOTS * sizeof(CacheEntry))

    cdef uint64_t _facts_raw(self, const char* s, Py_ssize_t ln, Py_ssize_t nchars):
        # _facts_uncached through the cache: a word's facts depend on its UTF-8 alone
        if s == NULL or ln == 0 or ln > CACHED_BYTES:
            return self._facts_uncached(s, ln, nchars)
        return self._facts_hashed(s, ln, nchars, _fnv(s, ln))

    cdef inline void _prefetch(self, uint64_t h) noexcept:
        # the memory _facts_hashed reads first for a word of hash ``h``
        __builtin_prefetch(&self.cache[h & (CACHE_SLOTS - 1)])
        __builtin_prefetch(&self.own.small.slots[h & self.own.small.mask])
        if self.peers is not None:
            __builtin_prefetch(&self.peers.slots[h & self.peers.mask])

    cdef uint64_t _facts_hashed(self, const char* s, Py_ssize_t ln, Py_ssize_t nchars,
                                uint64_t h):
        # _facts_raw of a word of 1 to CACHED_BYTES bytes whose hash is ``h``
        cdef CacheEntry* e = &self.cache[h & (CACHE_SLOTS - 1)]
        if e.ln == <uint32_t>ln and e.hash == <uint32_t>(h >> 32) and memcmp(e.word, s, ln) == 0:
            return e.value
        cdef uint64_t v = self._facts_uncached(s, ln, nchars)
        e.value = v
        e.hash = <uint32_t>(h >> 32)
        e.ln = <uint32_t>ln
        memcpy(e.word, s, ln)
        return v

    cdef inline uint64_t _strong(self, Py_ssize_t nchars, double peer, double own):
        if peer == 0.0:
            peer = self.floor_freq
        return self.strong_unit if peer >= self.strong_ratio * own and nchars > 1 else 0

    cdef uint64_t _facts_uncached(self, const char* s, Py_ssize_t ln, Py_ssize_t nchars):
        # the facts of the word of UTF-8 ``s[:ln]`` (``nchars`` characters); ``s`` NULL
        # for a word in no list
        cdef Py_ssize_t cb = self.own._cb_raw(s, ln) if s != NULL else -1
        if cb < 0:  # strong until checked (see claimed)
            if self.gains and nchars > 1:
                return self.k_unchecked | self.strong_unit
            return self.k_unchecked
        cdef double f = FREQD[cb], t = self._peer_top_raw(s, ln)
        cdef uint64_t v = self.k_known | 1
        if t >= self.name_min:
            v |= self.k_claimed
        if t * self.distinct_ratio <= f:
            v |= self.k_distinct | self.distinct_unit
        if t < self.evidence_ratio * f:
            v |= self.k_lower_safe
        if t < self.name_min or t < self.name_ratio * f:
            v |= self.k_cap_safe
        if self.gains:
            v |= self._strong(nchars, t, f)
        return v

    cdef uint64_t _claimed_raw(self, const char* s, Py_ssize_t ln, Py_ssize_t nchars):
        return self._claimed_of(self._facts_raw(s, ln, nchars), s, ln, nchars)

    cdef inline uint64_t _claimed_of(self, uint64_t v, const char* s, Py_ssize_t ln,
                                     Py_ssize_t nchars):
        # _claimed_raw of the word whose facts are ``v``
        if not v & self.k_unchecked:
            return v
        cdef double t = self._peer_top_raw(s, ln) if s != NULL else 0.0
        v = self.k_claimed if t >= self.name_min else 0
        if self.gains:
            v |= self._strong(nchars, t, self.unknown_freq)
        return v

    cdef uint64_t _facts(self, object w):
        cdef Py_ssize_t ln = 0
        return self._facts_raw(_utf8(w, &ln), ln, PyUnicode_GET_LENGTH(w))

    cdef uint64_t _claimed(self, object w):
        cdef Py_ssize_t ln = 0
        return self._claimed_raw(_utf8(w, &ln), ln, PyUnicode_GET_LENGTH(w))

    def scan_tally(self, str text, bint resolve=False):
        """``(words, tally)`` of the lower-cased ``text``: its words as
        ``lexicon._tokens`` finds them and their facts added up (:meth:`claimed` with
        ``resolve``); the tally is None from 4096 words on."""
        cdef uint64_t total = 0
        cdef Py_ssize_t words = self._scan(text, resolve, &total)
        return words, (total if words < 4096 else None)

    def mark_fast(self, list segs, list fast, str lang, script, todo, dict tallies,
                  uint64_t min_strong, double known, double distinct, Py_ssize_t min_words,
                  slow):
        """The loop of ``lexicon._mark_fast`` over the segments ``todo``, with the same
        tests in the same order; a segment of 4096 words or more goes to
        ``slow(i, lowered text)`` (the pure code) where it stands in the loop."""
        cdef Py_ssize_t i, n
        cdef uint64_t tally
        cdef bint plain
        cdef uint64_t count = (1 << 13) - 1
        for i in todo:
            s = segs[i]
            if s.script != script or fast[i] is not None:
                continue
            t = s.text
            if t.count(" ") < 2:
                continue
            t = t.lower()
            tally = 0
            n = self._scan(t, False, &tally)
            if n >= 4096:
                slow(i, t)
                continue
            if n < min_words:
                continue
            plain = <double>(tally & count) >= known * <double>n and \
                <double>((tally >> 13) & count) >= distinct * <double>n
            if plain:
                fast[i] = lang
            if tallies is not None and (not plain or ((tally >> 26) & count) >= min_strong):
                tallies[i] = tally

    cdef Py_ssize_t _scan(self, str text, bint resolve, uint64_t* out):
        # the words of ``text`` (see scan_tally); their facts added to ``out`` (the first
        # 4095)
        cdef int kind = PyUnicode_KIND(text)
        cdef void* data = PyUnicode_DATA(text)
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0, j, nchars, ln, words = 0
        cdef uint32_t c
        cdef char buf[TOKEN_CAP + 4]
        cdef uint64_t total = 0
        # the batch: words of at most CACHED_BYTES bytes, their hashes, lengths, letters
        cdef char batch[BATCH * CACHED_BYTES]
        cdef uint64_t hs[BATCH]
        cdef Py_ssize_t lns[BATCH]
        cdef Py_ssize_t ncs[BATCH]
        cdef Py_ssize_t nb = 0
        while i < n:
            c = PyUnicode_READ(kind, data, i)
            if not _is_letter(c):
                i += 1
                continue
            ln = 0
            nchars = 0
            while True:
                while i < n:
                    c = PyUnicode_READ(kind, data, i)
                    if c == 0xAD:  # a soft hyphen does not cut a word
                        i += 1
                    elif _is_letter(c):
                        ln = _put(buf, ln, c)
                        nchars += 1
                        i += 1
                    else:
                        break
                if i < n and (c == 0x27 or c == 0x2019):
                    j = i + 1
                    while j < n and PyUnicode_READ(kind, data, j) == 0xAD:
                        j += 1
                    if j < n and _is_letter(PyUnicode_READ(kind, data, j)):
                        ln = _put(buf, ln, 0x27)
                        nchars += 1
                        i = j
                        continue
                break
            words += 1
            if words >= 4096:
                continue
            if ln > CACHED_BYTES:  # looked up at once (the sum does not depend on order)
                if resolve:
                    total += self._claimed_raw(buf if ln <= TOKEN_CAP else NULL, ln, nchars)
                else:
                    total += self._facts_raw(buf if ln <= TOKEN_CAP else NULL, ln, nchars)
                continue
            memcpy(batch + nb * CACHED_BYTES, buf, ln)
            hs[nb] = _fnv(buf, ln)
            lns[nb] = ln
            ncs[nb] = nchars
            self._prefetch(hs[nb])
            nb += 1
            if nb == BATCH:
                total += self._batch(batch, hs, lns, ncs, nb, resolve)
                nb = 0
        if nb:
            total += self._batch(batch, hs, lns, ncs, nb, resolve)
        out[0] += total
        return words

    cdef uint64_t _batch(self, const char* batch, const uint64_t* hs, const Py_ssize_t* lns,
                         const Py_ssize_t* ncs, Py_ssize_t nb, bint resolve):
        # the facts (claimed with ``resolve``) of the ``nb`` words of a batch added up
        cdef uint64_t total = 0, v
        cdef Py_ssize_t k
        cdef const char* s
        for k in range(nb):
            s = batch + k * CACHED_BYTES
            v = self._facts_hashed(s, lns[k], ncs[k], hs[k])
            total += self._claimed_of(v, s, lns[k], ncs[k]) if resolve else v
        return total

    def facts(self, str w):
        return self._facts(w)

    def claimed(self, str w):
        return self._claimed(w)

    def peer_top(self, str w):
        return self._peer_top(w)

    def tally(self, list words):
        """The facts of ``words`` added up (fewer than 4096 words: no field overflows)."""
        cdef uint64_t total = 0
        for w in words:
            total += self._facts(w)
        return total

    def tally_claimed(self, list words):
        cdef uint64_t total = 0
        for w in words:
            total += self._claimed(w)
        return total

    def claimed_list(self, list words):
        return [self._claimed(w) for w in words]


def best_run(list gains, double switch):
    """``inline._best_run``: ``(score, i, j)`` of the run of ``gains`` with the highest
    sum less ``switch`` for each end inside the list, or None for no gains."""
    cdef Py_ssize_t n = len(gains), k, start = 0, bs = 0, be = 0
    cdef double cur = -switch, opened, close, best = 0.0
    cdef bint have = False
    for k in range(n):
        opened = -switch if k else 0.0
        if cur < opened:
            cur = opened
            start = k
        cur += <double>gains[k]
        close = cur - (switch if k + 1 < n else 0.0)
        if not have or close > best:
            best, bs, be, have = close, start, k + 1, True
    return (best, bs, be) if have else None


def peer_values(list lists, int none_cb=NONE_CB):
    """Words and values of a script's peer table from its peers' (word -> bucket) dicts,
    in ``_PEERS`` order: the first peer with the most frequent bucket, then the first
    of the others with theirs."""
    cdef dict best = {}
    cdef int idx
    for idx, d in enumerate(lists):
        for w, cb in (<dict>d).items():
            cur = best.get(w)
            if cur is None:
                best[w] = [cb, idx, none_cb, 255]
            else:
                # a lower bucket index is a higher frequency; ties keep the earlier peer
                if cb < cur[0]:
                    cur[2], cur[3] = cur[0], cur[1]
                    cur[0], cur[1] = cb, idx
                elif cb < cur[2]:
                    cur[2], cur[3] = cb, idx
    words = list(best)
    values = [(<uint64_t>c[0]) | (<uint64_t>c[1] << 16) | (<uint64_t>c[2] << 32)
              | (<uint64_t>c[3] << 48) for c in best.values()]
    return words, values
