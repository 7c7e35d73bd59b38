"""A first-character filter for regular expressions the engine runs at every position.

Python's ``re`` skips ahead quickly only when a pattern starts with a literal or a
character set. A pattern that starts with an optional group or an alternation of words
(``(?P<pre>累计|共计|…)?(?P<num>\\d+…)``, ``(?P<m0>法律顾问)|(?P<m1>12345|热线…)|…``) is
instead tried in full at every character. :func:`first_filtered` puts the set of
characters a match can start with in front of the pattern as a lookahead: it matches
exactly where the pattern matches (the lookahead is implied by the pattern), with the
same groups, but rejects most positions with one set test.
"""

from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _c
    import sre_parse as _p

_CATEGORY = {
    _c.CATEGORY_DIGIT: r"\d",
    _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S",
    _c.CATEGORY_WORD: r"\w",
    _c.CATEGORY_NOT_WORD: r"\W",
}
_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
_REPEATS = {
    getattr(_c, n) for n in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_c, n)
}


_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


class _Unknown(Exception):
    pass


def _char(c: int) -> str:
    return f"\\U{c:08x}"


def _in(items) -> list[str]:
    out = []
    for op, av in items:
        if op is _c.LITERAL:
            out.append(_char(av))
        elif op is _c.RANGE:
            out.append(f"{_char(av[0])}-{_char(av[1])}")
        elif op is _c.CATEGORY and av in _CATEGORY:
            out.append(_CATEGORY[av])
        else:  # NEGATE and the like
            raise _Unknown
    return out


def _first(seq) -> tuple[list[str], bool]:
    """(class items a match of ``seq`` can start with, whether ``seq`` can be empty)."""
    items: list[str] = []
    for op, av in seq:
        if op in _ZERO_WIDTH:
            continue
        if op is _c.LITERAL:
            return items + [_char(av)], False
        if op is _c.IN:
            return items + _in(av), False
        if op is _c.SUBPATTERN:
            sub, empty = _first(av[-1])
        elif op is _c.BRANCH:
            sub, empty = [], False
            for alt in av[1]:
                a, e = _first(alt)
                sub += a
                empty = empty or e
        elif op in _REPEATS:
            lo, _hi, p = av
            sub, empty = _first(p)
            empty = empty or lo == 0
        else:  # ANY, backreferences, conditionals …
            raise _Unknown
        items += sub
        if not empty:
            return items, False
    return items, True


def first_class(pattern: str, flags: int = 0) -> str | None:
    """A ``[…]`` class of the characters a match can start with, or None when it
    cannot be told (the pattern can match the empty string, starts with ``.``, …)."""
    if flags & (re.IGNORECASE | re.VERBOSE):
        return None
    try:
        items, empty = _first(_p.parse(pattern, flags))
    except _Unknown:
        return None
    if empty or not items:
        return None
    return "[" + "".join(dict.fromkeys(items)) + "]"


def _sre_skips(parsed) -> bool:
    """Whether ``re`` finds a prefix to skip ahead with by itself: the pattern (inside
    its groups) starts with a literal, a set, or an alternation whose branches all
    start with a literal (as ``re._compiler`` looks for one). The lookahead would only
    slow those down."""
    data = list(parsed)
    while data and data[0][0] is _c.SUBPATTERN:
        data = list(data[0][1][-1])
    if not data:
        return False
    op, av = data[0]
    if op in (_c.LITERAL, _c.IN):
        return True
    if op is _c.BRANCH:
        return all(alt and list(alt)[0][0] is _c.LITERAL for alt in av[1])
    return False


def first_filtered(rx: re.Pattern) -> re.Pattern:
    """``rx`` with its first-character lookahead in front; ``rx`` itself when none can
    be told or when ``re`` skips ahead by itself."""
    if _GLOBAL_FLAGS.match(rx.pattern):
        return rx  # inline global flags must stay first
    if _sre_skips(_p.parse(rx.pattern, rx.flags & ~re.UNICODE)):
        return rx
    cls = first_class(rx.pattern, rx.flags & ~re.UNICODE)
    if cls is None:
        return rx
    return re.compile(f"(?={cls})(?:{rx.pattern})", rx.flags)


def min_width(rx: re.Pattern) -> int:
    """The fewest characters a match of ``rx`` can have (from the parsed pattern)."""
    return _p.parse(rx.pattern, rx.flags & ~re.UNICODE).getwidth()[0]
