# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False
"""Compiled letter statistics of single-byte readings (see ``polyclean/decode/stats.py``).

:class:`Pairs` counts the byte pairs of a sample that involve a high byte, in the order
they first occur (the order of the pure code's ``Counter``), and scores a codec's
reading of them against a script's letter-pair models held as dense tables
(:class:`Tables`: one ``double`` per pair of the script's letter classes, ``FLOOR``
where the model has no entry).

Every answer is the pure-Python code's (``POLYCLEAN_PURE=1`` selects that code;
``tests/test_speedups.py`` compares both): the same doubles are multiplied and added in
the same order, as Python's ``sum`` adds them (plainly before Python 3.12, with
Neumaier's compensation from 3.12 on).
"""

from libc.stdint cimport int32_t, int64_t, uint8_t
from libc.stdlib cimport free, malloc
from libc.string cimport memset

from polyclean._speedups._fsum cimport Acc, _add, _total


cdef class Tables:
    """The letter-pair models of one script: ``models`` tables of ``width * width``
    doubles (the languages, then their union), and ln(number of languages)."""

    cdef readonly int width
    cdef readonly int models
    cdef readonly double log_langs
    cdef object owner
    cdef const double[::1] tbl

    def __cinit__(self, int width, int models, double log_langs, buf):
        self.owner = buf
        self.tbl = buf
        if width < 1 or width > 256 or models < 2 or \
                self.tbl.shape[0] != <Py_ssize_t>models * width * width:
            raise ValueError("letter-pair tables of the wrong size")
        self.width = width
        self.models = models
        self.log_langs = log_langs


cdef class Pairs:
    """The byte pairs of ``b" " + sample + b" "`` with a byte above 0x7F, each with its
    count, in the order they first occur; ``runs`` counts those of two high bytes."""

    cdef int m
    cdef uint8_t* xs
    cdef uint8_t* ys
    cdef int64_t* ns
    cdef readonly int64_t runs

    def __cinit__(self, const unsigned char[::1] sample):
        cdef Py_ssize_t n = sample.shape[0], i
        cdef int32_t* first = <int32_t*>malloc(65536 * sizeof(int32_t))
        self.xs = <uint8_t*>malloc(n + 2)
        self.ys = <uint8_t*>malloc(n + 2)
        self.ns = <int64_t*>malloc((n + 2) * sizeof(int64_t))
        if first == NULL or self.xs == NULL or self.ys == NULL or self.ns == NULL:
            free(first)
            raise MemoryError()
        memset(first, 0xFF, 65536 * sizeof(int32_t))
        cdef uint8_t x = 0x20, y
        cdef int key, k
        self.m = 0
        self.runs = 0
        for i in range(n + 1):
            y = sample[i] if i < n else 0x20
            if x > 0x7F or y > 0x7F:
                key = (<int>x << 8) | y
                k = first[key]
                if k < 0:
                    k = first[key] = self.m
                    self.xs[k] = x
                    self.ys[k] = y
                    self.ns[k] = 0
                    self.m += 1
                self.ns[k] += 1
                if x > 0x7F and y > 0x7F:
                    self.runs += 1
            x = y
        free(first)

    def __dealloc__(self):
        free(self.xs)
        free(self.ys)
        free(self.ns)

    def __len__(self):
        return self.m

    def bound(self, Tables t, const unsigned char[::1] ids, const unsigned char[::1] lower,
              const unsigned char[::1] upper):
        """``(score, lu)``: the pairs read through ``ids`` (byte -> letter class) scored
        by the union model (``stats._dot`` of ``stats._byte_keys``), and the count of
        lower-to-upper pairs."""
        if ids.shape[0] != 256 or lower.shape[0] != 256 or upper.shape[0] != 256:
            raise ValueError("a codec table has 256 entries")
        cdef int w = t.width, i
        cdef const double* union = &t.tbl[(t.models - 1) * w * w]
        cdef Acc acc
        acc.f = 0.0
        acc.c = 0.0
        cdef int64_t lu = 0
        for i in range(self.m):
            if ids[self.xs[i]] >= w or ids[self.ys[i]] >= w:
                raise ValueError("a letter class outside the tables")
            _add(&acc, <double>self.ns[i] * union[ids[self.xs[i]] * w + ids[self.ys[i]]])
            lu += self.ns[i] * lower[self.xs[i]] * upper[self.ys[i]]
        return _total(&acc), lu

    def score(self, Tables t, const unsigned char[::1] ids):
        """``stats.pairs_score`` of the pairs read through ``ids``: those that read as
        the same letters merged (in first-occurrence order), scored by the best
        language, or by the union less ln(languages) per pair."""
        if ids.shape[0] != 256:
            raise ValueError("a codec table has 256 entries")
        cdef int w = t.width, ww = t.width * t.width, i, j, key, k = 0
        cdef int32_t* pos = <int32_t*>malloc(ww * sizeof(int32_t))
        cdef int32_t* keys = <int32_t*>malloc((self.m + 1) * sizeof(int32_t))
        cdef int64_t* counts = <int64_t*>malloc((self.m + 1) * sizeof(int64_t))
        cdef int64_t total = 0
        cdef double best, d
        try:
            if pos == NULL or keys == NULL or counts == NULL:
                raise MemoryError()
            memset(pos, 0xFF, ww * sizeof(int32_t))
            for i in range(self.m):
                if ids[self.xs[i]] >= w or ids[self.ys[i]] >= w:
                    raise ValueError("a letter class outside the tables")
                key = ids[self.xs[i]] * w + ids[self.ys[i]]
                j = pos[key]
                if j < 0:
                    j = pos[key] = k
                    keys[k] = key
                    counts[k] = 0
                    k += 1
                counts[j] += self.ns[i]
                total += self.ns[i]
            best = _dot(&t.tbl[(t.models - 1) * ww], keys, counts, k) \
                - t.log_langs * <double>total
            for j in range(t.models - 1):
                d = _dot(&t.tbl[j * ww], keys, counts, k)
                if d > best:
                    best = d
            return best
        finally:
            free(pos)
            free(keys)
            free(counts)


cdef double _dot(const double* model, const int32_t* keys, const int64_t* counts,
                 int k) noexcept nogil:
    # stats._dot: sum of count x log frequency, in order
    cdef Acc acc
    acc.f = 0.0
    acc.c = 0.0
    cdef int i
    for i in range(k):
        _add(&acc, <double>counts[i] * model[keys[i]])
    return _total(&acc)
