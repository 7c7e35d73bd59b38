"""The review engine: read any published 法治政府建设年度报告 and tell what it contains
and lacks. Pure Python, no Django. See docs/review.md."""

from .api import review_bytes, review_file, review_text
from .reader import ReviewInputError
from .reference import Reference

__all__ = ["Reference", "ReviewInputError", "review_bytes", "review_file", "review_text"]
