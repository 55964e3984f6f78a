from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Screening"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .access import identity, language, passwords
        from .access.roles import sync_roles
        from .audit import access_log
        from .audit.history_indexes import ensure_history_indexes
        from .audit.protection import on_post_migrate as protect_trail
        from .checklist import evaluation
        from .checklist.signals import eligibility_changed
        from .crf.signals import crf_saved
        from .datamanagement import edit_checks, freezing, queries, sdv
        from .signatures import signing
        from .signatures.signals import record_signed

        # The user access log is written by signal receivers: its events come from
        # Django (logins, logouts, group, membership and is_active changes made
        # through the admin or the ORM) and from django-axes (lockouts), not
        # from our code, so there is no call site of ours to log them from.
        # See screening/audit/access_log.py.
        identity.connect()  # first: the access log reads the stored identity it keeps
        passwords.connect()  # at login: must the password be changed first?
        access_log.connect()
        language.connect()  # a user's saved interface language, read into the session at login
        # The one-way arrows crf -> checklist -> signatures (docs/architecture.md):
        # a save re-evaluates the record; a new evaluation invalidates stale signatures.
        crf_saved.connect(evaluation.on_crf_saved)
        eligibility_changed.connect(signing.on_eligibility_changed)
        # Data management hears of saves and signatures the same way (screening/datamanagement/):
        # a save answers the queries on what it changed, clears the SDV marks of it, runs the
        # edit checks; a last signature freezes the record.
        crf_saved.connect(queries.on_crf_saved)
        crf_saved.connect(sdv.on_crf_saved)
        crf_saved.connect(edit_checks.on_crf_saved)
        record_signed.connect(freezing.on_record_signed)
        post_migrate.connect(ensure_history_indexes, sender=self)
        post_migrate.connect(sync_roles, sender=self)
        # After every migrate: the trail's triggers and chain on every append-only table,
        # later ones included, and the application role's privileges (screening/audit/protection.py).
        post_migrate.connect(protect_trail, sender=self)
