from django.contrib import admin

from outreach.models import Neighborhood


@admin.register(Neighborhood)
class NeighborhoodAdmin(admin.ModelAdmin):
    search_fields = ["name"]
