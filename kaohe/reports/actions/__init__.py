"""Writes of the reports app, one module per use-case; ``from kaohe.reports import actions`` reaches them all.
Each in one transaction, with its audit record.

综合分析报告 (analysis: drafted, saved, submitted, reviewed), the document templates (templates: uploaded,
reset), 年度考核登记表 (registers: deadline, summary, comment, filing).
"""

from kaohe.reports.actions.analysis import report_review, report_save, report_submit, reports_draft
from kaohe.reports.actions.guards import TEXT_MAX
from kaohe.reports.actions.registers import (
    register_comment_save,
    register_deadline_set,
    register_summary_save,
    registers_file,
)
from kaohe.reports.actions.templates import template_reset, template_upload

__all__ = [
    "TEXT_MAX",
    "report_review",
    "report_save",
    "report_submit",
    "reports_draft",
    "template_reset",
    "template_upload",
    "register_comment_save",
    "register_deadline_set",
    "register_summary_save",
    "registers_file",
]
