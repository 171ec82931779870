"""Output formats: each module renders FileResults and knows nothing of rules or NLP."""
from . import json_format, text_format

FORMATS = {"text": text_format, "json": json_format}

__all__ = ["FORMATS"]
