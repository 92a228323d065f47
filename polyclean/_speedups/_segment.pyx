# cython: language_level=3, boundscheck=False, wraparound=False
"""The line loop of segmentation (``polyclean.segment._segments``), compiled.

The same statements in the same order, with the offsets and counters as C integers:
every string operation, pattern and helper is the pure module's own (bound by
:func:`bind` when ``polyclean.segment`` is imported), so the segments are the pure
code's, field for field (``tests/test_speedups.py`` compares both on real text).
"""

cdef object Segment = None
cdef object next_end = None
cdef object split_sentences = None
cdef object single_script = None
cdef object script_runs = None
cdef object latin_search = None
cdef object nonlatin_search = None
cdef object ascii_search = None


def bind(segment_class, next_end_, split_sentences_, single_script_, script_runs_,
         latin_re, nonlatin_re, ascii_letter_re):
    """The pure module's class, helpers and patterns that :func:`segments` calls."""
    global Segment, next_end, split_sentences, single_script, script_runs
    global latin_search, nonlatin_search, ascii_search
    Segment = segment_class
    next_end, split_sentences = next_end_, split_sentences_
    single_script, script_runs = single_script_, script_runs_
    latin_search, nonlatin_search = latin_re.search, nonlatin_re.search
    ascii_search = ascii_letter_re.search


from libc.stdint cimport uint32_t


cdef extern from "Python.h":
    int PyUnicode_KIND(object)
    void* PyUnicode_DATA(object)
    uint32_t PyUnicode_READ(int kind, void* data, Py_ssize_t index)
    bint Py_UNICODE_ISSPACE(uint32_t)


def segments(str text):
    """``polyclean.segment._segments(text)``.  The lines are found, stripped and, when
    ASCII, searched for a terminator and a letter by reading the characters (what
    ``split("\\n")``, ``strip()``, ``isascii()``, ``in`` and ``[A-Za-z]`` give)."""
    cdef list out = []
    cdef bint mixed = not text.isascii()
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t size = len(text), pos = 0, end, para = 0, i = -1, a, b, k, sa, sb, ra, rb
    cdef bint blank = False, ascii_line, stop, letter
    cdef uint32_t c
    cdef str body
    while pos <= size:
        # the line text[pos:end]
        end = pos
        while end < size and PyUnicode_READ(kind, data, end) != 10:
            end += 1
        i += 1
        a = pos
        while a < end and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, a)):
            a += 1
        b = end
        while b > a and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, b - 1)):
            b -= 1
        if a == b:
            blank = True
            pos = end + 1
            continue
        if blank and pos:
            para += 1
        blank = False
        pos = end + 1
        ascii_line, stop, letter = True, False, False
        for k in range(a, b):
            c = PyUnicode_READ(kind, data, k)
            if c >= 128:
                ascii_line = False
                break
            if c == 46 or c == 33 or c == 63:  # . ! ?
                stop = True
            elif <uint32_t>((c | 32) - 97) < 26:
                letter = True
        body = text[a:b]
        if ascii_line and not stop:
            m = None  # no terminator (the others are not ASCII)
        else:
            m = next_end(text, a, b)
        if m is None or m.end() >= b:
            if mixed and not ascii_line:
                c_ = nonlatin_search(body)
                if c_:
                    script = single_script(text, a, b, c_.group())
                    if script is not None:
                        out.append(Segment(a, b, body, script, None, 0.0, False, i, para))
                        continue
                    spans = [(a, b)]
                else:
                    script = "Latin" if latin_search(body) else "Common"
                    out.append(Segment(a, b, body, script, None, 0.0, False, i, para))
                    continue
            else:
                if ascii_line:
                    script = "Latin" if letter else "Common"
                else:
                    script = "Latin" if latin_search(body) else "Common"
                out.append(Segment(a, b, body, script, None, 0.0, False, i, para))
                continue
        else:
            spans = split_sentences(text, a, b, m)
        for sa, sb in spans:
            if mixed and not ascii_line:
                c_ = nonlatin_search(text, sa, sb)
                if c_:
                    script = single_script(text, sa, sb, c_.group())
                    if script is not None:
                        out.append(Segment(sa, sb, text[sa:sb], script, None, 0.0, False, i,
                                           para))
                        continue
                    for ra, rb, script in script_runs(text, sa, sb):
                        if ra < rb:
                            out.append(Segment(ra, rb, text[ra:rb], script, None, 0.0, False,
                                               i, para))
                    continue
            script = "Latin" if latin_search(text, sa, sb) else "Common"
            out.append(Segment(sa, sb, text[sa:sb], script, None, 0.0, False, i, para))
    return out
