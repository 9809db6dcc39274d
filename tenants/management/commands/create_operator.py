"""Create (or reset) a platform operator: a user in the public schema with access to /operator/."""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Create a platform operator account, or reset its password."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="")
        parser.add_argument("--password", help="omit to be prompted")

    def handle(self, *args, email, name, password, **options):
        connection.set_schema_to_public()
        password = password or getpass.getpass("Password: ")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).first()
        created = user is None
        if created:
            user = User(email=email.lower())
        user.name = name or user.name or email.split("@")[0]
        user.role = User.Role.OPERATOR
        user.is_staff = True
        user.is_superuser = True
        user.is_active = True
        user.set_password(password)
        user.save()
        self.stdout.write(self.style.SUCCESS(f"Operator {'created' if created else 'updated'}: {user.email}"))
