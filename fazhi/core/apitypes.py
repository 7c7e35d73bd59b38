"""Bounded types for API parameters: out-of-range input is a 422, never a database error."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

Year = Annotated[int, Field(ge=2000, le=2100)]
Month = Annotated[int, Field(ge=1, le=12)]
DbId = Annotated[int, Field(ge=1, le=2**62)]
