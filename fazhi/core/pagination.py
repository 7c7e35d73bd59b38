"""API pagination: ninja's limit/offset, with bounds (a huge limit or offset is a 422, not a 500)."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination as _Base

MAX_LIMIT = 500
MAX_OFFSET = 10**9


class LimitOffsetPagination(_Base):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class Mapped:
    """A queryset handed to ``@paginate`` whose page is turned into Out schemas by ``fn``,
    for an Out built by a function rather than read off the model. The paginator slices
    it with ``Input``'s bounds above, so only one page of rows is read and converted."""

    def __init__(self, qs, fn):
        self.qs = qs
        self.fn = fn

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:  # the paginator counts through len() when there is no .all()
        return self.count()

    def __getitem__(self, item):
        return [self.fn(o) for o in self.qs[item]]
