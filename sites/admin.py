from django.contrib import admin

from common.admin import BagageAdmin
from sites.models import Site


@admin.register(Site)
class SiteAdmin(BagageAdmin):
    list_display = ("code", "name", "city", "is_warehouse", "is_reception_point", "is_active")
    search_fields = ("code", "name", "city")
