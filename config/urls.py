from django.contrib import admin
from django.urls import include, path, re_path

from api.api import api, api_not_found

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/.*$", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("web.urls")),
]

handler403 = "web.views.permission_denied"
handler404 = "web.views.page_not_found"
handler500 = "web.views.server_error"
