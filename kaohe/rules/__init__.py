"""Kaohe's rules engine: pure Python, no Django. ``assess`` computes a year's results from plain inputs."""

from .document import assessment_document
from .engine import assess
from .errors import InputError

__all__ = ["InputError", "assess", "assessment_document"]
