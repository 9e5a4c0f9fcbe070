"""Every write on partners, their members and referrals, by sub-domain.

Each runs in one transaction, with its history row.
"""

from referrals.services.members import account_create, member_invitation_resend, member_invite, social_worker_create
from referrals.services.notices import notice_build, notice_publish
from referrals.services.organisations import organisation_authorise, organisation_create
from referrals.services.referrals import (
    beneficiary_access_record,
    beneficiary_accesses_record,
    beneficiary_sms_stop,
    lock_referral,
    referral_aftercare_record,
    referral_allocate,
    referral_answer,
    referral_cancel,
    referral_decide,
    referral_hand_over,
    referral_no_show,
    referral_release,
    referral_submit,
    referral_update,
    referrals_expire,
)
from referrals.services.retention import access_log_purge, beneficiary_anonymise

__all__ = [
    "access_log_purge",
    "account_create",
    "beneficiary_anonymise",
    "beneficiary_access_record",
    "beneficiary_accesses_record",
    "beneficiary_sms_stop",
    "lock_referral",
    "member_invitation_resend",
    "member_invite",
    "notice_build",
    "notice_publish",
    "organisation_authorise",
    "organisation_create",
    "referral_aftercare_record",
    "referral_allocate",
    "referral_answer",
    "referral_cancel",
    "referral_decide",
    "referral_hand_over",
    "referral_no_show",
    "referral_release",
    "referral_submit",
    "referral_update",
    "referrals_expire",
    "social_worker_create",
]
