"""Paper ballots typed twice (双人录入): working data, purged once the ballots are committed.

Two typists (录入员甲, 录入员乙), two different accounts, each type every paper ballot of a paper session:
its 票号, rater group and what it says about each target. Where the two entries of one 票号 differ, an
organiser decides (``PaperResolution``); a ballot whose entries agree, or whose differences are all decided,
is committed as a Ballot with its marks and answers, and its entries and decision are deleted in the same
transaction (the audit log keeps only counts). Nothing here is a ballot: tallies and the rules never read it.

An entry's ``values`` uses the ballot form's field names (``filling``): ``t<target>`` → the 总体评价
choices ticked on the paper (a list: none, one, or — a spoiled mark the rules will void — several);
``t<target>_<n>`` → item n's choices; ``t<target>_<n>_r`` → its written reason; and ``group`` → the rater
group. A key left out means nothing ticked or written.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TypistSlot(models.TextChoices):
    A = "a", _("录入员甲")
    B = "b", _("录入员乙")


class PaperTypist(models.Model):
    """Who is 录入员甲 or 乙 of a session: claimed by the first entry, one account per slot and per session."""

    session = models.ForeignKey("ballots.EvaluationSession", on_delete=models.CASCADE, related_name="+")
    slot = models.CharField(_("录入员"), max_length=1, choices=TypistSlot.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("纸质票录入员")
        verbose_name_plural = _("纸质票录入员")
        constraints = [
            models.UniqueConstraint(fields=["session", "slot"], name="paper_typist_slot_once"),
            models.UniqueConstraint(fields=["session", "user"], name="paper_typist_user_once"),
        ]
        # Besides organisers, accounts given this permission may type paper ballots.
        permissions = [("type_paper_ballots", _("可录入纸质测评票"))]

    def __str__(self) -> str:
        return f"{self.get_slot_display()}: {self.user}"


class PaperEntry(models.Model):
    """One typist's reading of one paper ballot."""

    session = models.ForeignKey("ballots.EvaluationSession", on_delete=models.CASCADE, related_name="+")
    slot = models.CharField(_("录入员"), max_length=1, choices=TypistSlot.choices)
    number = models.CharField(_("票号"), max_length=64)
    values = models.JSONField(_("录入内容"), default=dict)

    class Meta:
        verbose_name = _("纸质票录入")
        verbose_name_plural = _("纸质票录入")
        constraints = [
            models.UniqueConstraint(fields=["session", "slot", "number"], name="paper_entry_once_per_slot")
        ]

    def __str__(self) -> str:
        return self.number


class PaperResolution(models.Model):
    """An organiser's decision on the fields where the two entries of one 票号 differ: field → value."""

    session = models.ForeignKey("ballots.EvaluationSession", on_delete=models.CASCADE, related_name="+")
    number = models.CharField(_("票号"), max_length=64)
    values = models.JSONField(_("裁定内容"), default=dict)

    class Meta:
        verbose_name = _("纸质票裁定")
        verbose_name_plural = _("纸质票裁定")
        constraints = [models.UniqueConstraint(fields=["session", "number"], name="paper_resolution_once")]

    def __str__(self) -> str:
        return self.number
