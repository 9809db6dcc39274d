"""Factories. Tenant-schema objects must be built inside the store's schema (the fixtures do that)."""

import factory
from django.contrib.auth import get_user_model

User = get_user_model()
PASSWORD = "s3cret-pass-word"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name", locale="zh_CN")
    role = User.Role.CUSTOMER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    role = User.Role.OPERATIONS


class OperatorFactory(UserFactory):
    """A platform operator: only meaningful in the public schema."""

    role = User.Role.OPERATOR
    is_staff = True
    is_superuser = True
