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
