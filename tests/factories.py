import factory

from dolbom.accounts.models import User
from dolbom.directory.models import Facility
from dolbom.regions.models import Region

PASSWORD = "correct-horse-battery"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"99{n:03d}00000")
    level = "sigungu"
    name = factory.Sequence(lambda n: f"시험구{n}")
    full_name = factory.LazyAttribute(lambda o: o.name)
    sido_code = factory.LazyAttribute(lambda o: o.code[:2])
    sgg_code = factory.LazyAttribute(lambda o: o.code[:5] if o.level != "sido" else "")
    lat = 37.5
    lng = 127.0


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"시험 어린이집 {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "홍길동"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.kr")
    role = "citizen"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()
