# cython: language_level=3
"""Python's ``sum`` over floats, step by step, for the compiled helpers that must give
the pure code's doubles bit for bit (``_bytestats.pyx``, ``_lines.pyx``): plain
addition before Python 3.12, Neumaier's compensation from 3.12 on."""

from libc.math cimport fabs, isfinite

cdef extern from *:
    """
    #if PY_VERSION_HEX >= 0x030C0000
    #define PC_SUM_COMPENSATED 1
    #else
    #define PC_SUM_COMPENSATED 0
    #endif
    """
    int PC_SUM_COMPENSATED


cdef struct Acc:
    double f
    double c


cdef inline void _add(Acc* a, double x) noexcept nogil:
    # one step of builtins.sum over floats
    cdef double t
    if PC_SUM_COMPENSATED:
        t = a.f + x
        if fabs(a.f) >= fabs(x):
            a.c += (a.f - t) + x
        else:
            a.c += (x - t) + a.f
        a.f = t
    else:
        a.f += x


cdef inline double _total(Acc* a) noexcept nogil:
    if PC_SUM_COMPENSATED and a.c != 0.0 and isfinite(a.c):
        return a.f + a.c
    return a.f
