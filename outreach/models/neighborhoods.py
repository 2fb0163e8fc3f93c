"""Service areas: clients and incidents refer to one."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Neighborhood(models.Model):
    """A service area; clients and incidents refer to one."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("neighborhood")
        verbose_name_plural = _("neighborhoods")
        constraints = [models.UniqueConstraint(Lower("name"), name="neighborhood_name_ci_unique")]

    def __str__(self) -> str:
        return self.name
