"""The project's URLs plus one page that fails, to see the 500 page as a person would."""

from django.urls import path

from config.urls import handler403, handler404, handler500  # noqa: F401  (Django reads them from here)
from config.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("A bug, on purpose, for the 500 page.")


urlpatterns = [path("boom/", boom), path("api/boom/", boom), *project_urlpatterns]
