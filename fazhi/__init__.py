"""fazhi: rule-of-law government work for townships and counties."""

__version__ = "0.1.0"
