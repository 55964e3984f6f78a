import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from screening.models import ScreeningRecord, Site, SiteMembership

PASSWORD = "correct-horse-battery-staple"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:02d}")
    name = factory.LazyAttribute(lambda o: f"Site {o.code}")
    time_zone = "Europe/Berlin"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            if not Group.objects.filter(name=extracted).exists():
                # Transactional (browser) tests flush the roles the migration made.
                from django.contrib.auth.models import Permission

                from screening.access.roles import ensure_roles

                ensure_roles(Group, Permission)
            self.groups.add(Group.objects.get(name=extracted))
        self.save()

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        for site in extracted or ():
            SiteMembership.objects.create(user=self, site=site)


class RecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScreeningRecord

    site = factory.SubFactory(SiteFactory)
    initials = "AB"
    sex = "F"
    date_of_birth = datetime.date(1980, 5, 17)
    indication = "SLE"
    screening_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=3))
    consent_date = factory.LazyAttribute(lambda o: o.screening_date - datetime.timedelta(days=2))
    consent_version = "v2.0"


def minimal_import(number=None, **record):
    """The smallest record the exchange format accepts (an AAV subject, consented), for import tests."""
    item = {"record": {"initials": "AB", "sex": "M", "date_of_birth": "1970-01-01", "indication": "AAV",
                       "screening_date": "2026-11-20", "consent_date": "2026-11-19", "consent_version": "v2", **record}}
    if number:
        item["screening_number"] = number
    return item
