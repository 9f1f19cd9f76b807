"""What the reports writes share: the longest text a section, a summary or a comment may hold."""

TEXT_MAX = 5000
