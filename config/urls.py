from django.contrib import admin
from django.urls import include, path, re_path

from api.api import api, api_not_found
from common.urls import API_PREFIX

MOUNT = API_PREFIX.lstrip("/")

urlpatterns = [
    path("admin/", admin.site.urls),
    path(MOUNT, api.urls),
    re_path(rf"^{MOUNT}.*$", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("web.urls")),
]

handler403 = "config.error_pages.permission_denied"
handler404 = "config.error_pages.page_not_found"
handler500 = "config.error_pages.server_error"
