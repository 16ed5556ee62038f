from django.db import models
from django.utils.translation import gettext_lazy as _

from dolbom.core.models import BaseModel


class Facility(BaseModel):
    """A place where care is given (어린이집, 지역아동센터, 키움센터, ...)."""

    name = models.CharField(_("시설명"), max_length=200, db_index=True)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("돌봄시설")
        verbose_name_plural = _("돌봄시설")

    def __str__(self) -> str:
        return self.name
