from django.contrib import admin

from sites.models import Site


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "city", "is_warehouse", "is_reception_point", "is_active")
    search_fields = ("code", "name", "city")
