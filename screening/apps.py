from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Screening"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .audit import access_log
        from .audit.history_indexes import ensure_history_indexes

        # The user access log is written by signal receivers (the only ones of
        # the project, besides the post_migrate below): its events come from
        # Django (logins, logouts, group, membership and is_active changes made
        # through the admin or the ORM) and from django-axes (lockouts), not
        # from our code, so there is no call site of ours to log them from.
        # See screening/access_log.py.
        access_log.connect()
        post_migrate.connect(ensure_history_indexes, sender=self)
