"""The user model. Its table exists in `public` (platform operators) and in every store's schema
(owner, staff, buyers): a user of one store is unknown to every other store and to the platform."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.phones import mask_phone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=User.Role.OPERATOR)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        # in a store's schema
        OWNER = "owner", _("Owner")
        ADMIN = "admin", _("Administrator")
        OPERATIONS = "operations", _("Operations")
        CUSTOMER_SERVICE = "customer_service", _("Customer service")
        FINANCE = "finance", _("Finance")
        CUSTOMER = "customer", _("Customer")
        # in the public schema
        OPERATOR = "operator", _("Platform operator")

    STAFF_ROLES = (Role.OWNER, Role.ADMIN, Role.OPERATIONS, Role.CUSTOMER_SERVICE, Role.FINANCE)
    MANAGER_ROLES = (Role.OWNER, Role.ADMIN)

    email = models.EmailField(_("email"), unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=80, blank=True)
    # E.164 ("+8613800138000") for buyers, who sign in with it; unique among a store's buyers.
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.CUSTOMER, db_index=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Django's flag for the platform console; only ever true in the public schema.
    is_staff = models.BooleanField(_("platform operator"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["id"]
        verbose_name = _("user")
        constraints = [
            # One buyer per phone number (a staff member's phone is not a buyer's, even when equal).
            models.UniqueConstraint(
                fields=["phone"],
                condition=Q(role="customer") & ~Q(phone=""),
                name="accounts_user_unique_buyer_phone",
            )
        ]

    def __str__(self):
        return self.name or self.email or mask_phone(self.phone) or f"user {self.pk}"

    @property
    def is_store_staff(self) -> bool:
        return self.is_active and self.role in self.STAFF_ROLES

    @property
    def is_buyer(self) -> bool:
        """An active customer of this store: who the storefront's account pages and buyer API serve."""
        return self.is_active and self.role == self.Role.CUSTOMER

    @property
    def can_manage_store(self) -> bool:
        return self.is_active and self.role in self.MANAGER_ROLES
