"""The one exception the rules engine raises on inconsistent input."""

from __future__ import annotations


class InputError(ValueError):
    """Input the rules cannot be applied to; ``messages`` lists every problem found, in Chinese.

    The workbook reader and the web forms validate first and name rows and fields; this is the safety
    net for any other caller, so it reports all problems at once rather than the first.
    """

    def __init__(self, messages: list[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))
