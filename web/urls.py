from django.contrib.auth import views as auth_views
from django.urls import path, register_converter, reverse_lazy

from common.parsing import parse_id
from web import views
from web.accounts import views as views_accounts
from web.audit import views as views_audit
from web.distribution import views as views_kits
from web.matching import views as views_matching
from web.notifications import views as views_notifications
from web.partners import views as views_partners
from web.referrals import views as views_referrals
from web.reports import views as views_reports
from web.sites import views as views_sites
from web.stock import views as views_stock


class IdConverter:
    """A database id in a path: what common.parsing.parse_id accepts (1 to 2**63 - 1), else the page is 404."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(value)
        return parsed

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

app_name = "web"

urlpatterns = [
    path("", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("messages/settings/", views_notifications.message_settings, name="message_settings"),
    # Forgotten password: a one-time link by e-mail (Django's views, French templates in registration/).
    path(
        "password-reset/",
        views_accounts.ResetRequestView.as_view(
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
    path("referrals/<id:referral_id>/", views_referrals.referral_detail, name="referral"),
    path("referrals/<id:referral_id>/edit/", views_referrals.referral_edit, name="referral_edit"),
    path("notice/", views_referrals.notice_public, name="notice"),
    path("notice/versions/", views_referrals.notice_versions_page, name="notice_versions"),
    path("notice/<str:version>/", views_referrals.notice_public, name="notice_version"),
    path("referrals/<id:referral_id>/kit/", views_kits.kit_reserve, name="kit_reserve"),
    path("kits/", views_kits.kit_shelf, name="kits"),
    path("kits/labels.pdf", views_kits.kit_labels, name="kit_labels"),
    path("kits/<id:allocation_id>/", views_kits.kit_detail, name="kit"),
    path("kits/<id:allocation_id>/release/", views_kits.kit_release, name="kit_release"),
    path("kits/<id:allocation_id>/appointment/", views_kits.kit_appointment, name="kit_appointment"),
    path("kits/<id:allocation_id>/handover/", views_kits.kit_handover, name="kit_handover"),
    path("receipts/<str:number>.pdf", views_kits.receipt_pdf, name="receipt_pdf"),
    path("receipts/<str:number>/", views_kits.receipt_page, name="receipt"),
    path("devices/<str:asset_tag>/return/", views_kits.device_return, name="device_return"),
    path("referrals/<id:referral_id>/topup/", views_kits.kit_topup, name="kit_topup"),
    path("referrals/<id:referral_id>/give-back/", views_kits.kit_give_back, name="kit_give_back"),
    path("partners/", views_partners.partner_list, name="partners"),
    path("partners/<id:organisation_id>/", views_partners.partner_detail, name="partner"),
    path("access-log/", views_partners.access_log, name="access_log"),
    path("audit/", views_audit.audit_log, name="audit"),
    path("scan/", views_stock.scan, name="scan"),
    path("devices/", views_stock.device_list, name="devices"),
    path("devices/<str:asset_tag>/", views_stock.device_detail, name="device"),
    path("devices/<str:asset_tag>/action/", views_stock.device_action, name="device_action"),
    path("offers/", views_stock.offer_list, name="offers"),
    path("offers/<id:offer_id>/", views_stock.offer_detail, name="offer"),
    path("offers/<id:offer_id>/labels/", views_stock.offer_labels, name="offer_labels"),
    path("labels/shelves/", views_stock.shelf_labels, name="shelf_labels"),
    path("batches/", views_stock.batch_list, name="batches"),
    path("batches/<id:batch_id>/", views_stock.batch_detail, name="batch"),
    path("sites/", views_sites.site_list, name="sites"),
    path("sites/<str:code>/", views_sites.site_detail, name="site"),
    path("matching/", views_matching.propose, name="matching"),
    path("matching/<id:proposal_id>/", views_matching.plan, name="matching_plan"),
    path("matching/<id:proposal_id>/result/", views_matching.result, name="matching_result"),
    path("matching/<id:proposal_id>/labels.pdf", views_matching.labels, name="matching_labels"),
    path("dashboard/", views_reports.dashboard_page, name="dashboard"),
    path("dashboard/charts/<slug:name>.svg", views_reports.dashboard_chart, name="dashboard_chart"),
]
