from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from web import views
from web.accounts import views as views_accounts
from web.partners import views as views_partners
from web.referrals import views as views_referrals
from web.stock import views as views_stock

app_name = "web"

urlpatterns = [
    path("", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    # Forgotten password: a one-time link by e-mail (Django's views, French templates in registration/).
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("web:password_reset_done"),
            template_name="registration/reset_request.html",
            email_template_name="registration/reset_email.txt",
            subject_template_name="registration/reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/reset_confirm.html", success_url=reverse_lazy("web:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/reset_done.html"),
        name="password_reset_complete",
    ),
    path("invitation/<str:secret>/", views_accounts.invitation, name="invitation"),
    path("referrals/", views_referrals.referral_list, name="referrals"),
    path("referrals/new/", views_referrals.referral_new, name="referral_new"),
    path("referrals/<int:referral_id>/", views_referrals.referral_detail, name="referral"),
    path("referrals/<int:referral_id>/edit/", views_referrals.referral_edit, name="referral_edit"),
    path("notice/", views_referrals.notice_public, name="notice"),
    path("notice/versions/", views_referrals.notice_versions_page, name="notice_versions"),
    path("notice/<str:version>/", views_referrals.notice_public, name="notice_version"),
    path("partners/", views_partners.partner_list, name="partners"),
    path("partners/<int:organisation_id>/", views_partners.partner_detail, name="partner"),
    path("access-log/", views_partners.access_log, name="access_log"),
    path("scan/", views_stock.scan, name="scan"),
    path("devices/", views_stock.device_list, name="devices"),
    path("devices/<str:asset_tag>/", views_stock.device_detail, name="device"),
    path("devices/<str:asset_tag>/action/", views_stock.device_action, name="device_action"),
    path("offers/", views_stock.offer_list, name="offers"),
    path("offers/<int:offer_id>/", views_stock.offer_detail, name="offer"),
    path("offers/<int:offer_id>/labels/", views_stock.offer_labels, name="offer_labels"),
    path("labels/shelves/", views_stock.shelf_labels, name="shelf_labels"),
    path("batches/", views_stock.batch_list, name="batches"),
    path("batches/<int:batch_id>/", views_stock.batch_detail, name="batch"),
]
