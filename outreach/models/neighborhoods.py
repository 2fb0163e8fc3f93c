"""Service areas: clients and incidents refer to one."""

from django.db import models
from django.db.models.functions import Lower


class Neighborhood(models.Model):
    """A service area; clients and incidents refer to one."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="neighborhood_name_ci_unique")]

    def __str__(self) -> str:
        return self.name
