from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from common.lockout import log_lockout

        user_locked_out.connect(log_lockout, dispatch_uid="bagage_log_lockout")
