from django.contrib.auth import views as auth_views
from django.urls import path

from web import views
from web.accounts import views as views_accounts
from web.audit import views as views_audit
from web.partners import views as views_partners
from web.referrals import views as views_referrals
from web.stock import views as views_stock

app_name = "web"

urlpatterns = [
    path("", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("invitation/<str:secret>/", views_accounts.invitation, name="invitation"),
    path("referrals/", views_referrals.referral_list, name="referrals"),
    path("referrals/new/", views_referrals.referral_new, name="referral_new"),
    path("referrals/<int:referral_id>/", views_referrals.referral_detail, name="referral"),
    path("notice/", views_referrals.notice_public, name="notice"),
    path("notice/versions/", views_referrals.notice_versions_page, name="notice_versions"),
    path("notice/<str:version>/", views_referrals.notice_public, name="notice_version"),
    path("partners/", views_partners.partner_list, name="partners"),
    path("partners/<int:organisation_id>/", views_partners.partner_detail, name="partner"),
    path("access-log/", views_partners.access_log, name="access_log"),
    path("audit/", views_audit.audit_log, name="audit"),
    path("scan/", views_stock.scan, name="scan"),
    path("devices/", views_stock.device_list, name="devices"),
    path("devices/<str:asset_tag>/", views_stock.device_detail, name="device"),
    path("devices/<str:asset_tag>/action/", views_stock.device_action, name="device_action"),
    path("offers/", views_stock.offer_list, name="offers"),
    path("offers/<int:offer_id>/", views_stock.offer_detail, name="offer"),
    path("batches/", views_stock.batch_list, name="batches"),
    path("batches/<int:batch_id>/", views_stock.batch_detail, name="batch"),
]
