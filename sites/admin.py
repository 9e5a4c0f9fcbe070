from django.contrib import admin
from django.db import models

from common.admin import BagageAdmin
from sites.models import Site


@admin.register(Site)
class SiteAdmin(BagageAdmin):
    list_display = ("code", "name", "city", "is_warehouse", "is_reception_point", "is_active")
    search_fields = ("code", "name", "city")
    # A website typed without its scheme is https (as the site form says), which Django 6 makes the default.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
