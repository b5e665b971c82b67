"""What the demo records about its own loading: the background part of seed_demo (demo.rolls)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoLoad(models.Model):
    """One part of the demo that loads after the pages already answer (the voter rolls).

    The banner on every page (demo.context_processors) reads this row: while `finished_at` is empty the
    part is still loading. `plan` is what the loader needs to finish it in any process, after any
    interruption: the seed and, for each village, its roll's day, its registrations and the households
    and people its first part already holds; `done` lists the villages whose roll is complete. Each batch
    of villages commits with its ids added to `done`, so a load killed halfway resumes where it stopped.
    """

    ROLLS = "rolls"

    part = models.CharField(_("part"), max_length=30, unique=True)
    villages = models.PositiveIntegerField(_("villages"), default=0)
    plan = models.JSONField(_("plan"), default=dict)
    done = models.JSONField(_("villages done"), default=list)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("demo load")
        verbose_name_plural = _("demo loads")

    def __str__(self) -> str:
        return f"{self.part}: {len(self.done)}/{self.villages}"

    @property
    def loading(self) -> bool:
        return self.finished_at is None
