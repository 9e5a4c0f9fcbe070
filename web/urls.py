from django.contrib.auth import views as auth_views
from django.urls import path

from web import views, views_stock

app_name = "web"

urlpatterns = [
    path("", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("scan/", views_stock.scan, name="scan"),
    path("devices/", views_stock.device_list, name="devices"),
    path("devices/<str:asset_tag>/", views_stock.device_detail, name="device"),
]
