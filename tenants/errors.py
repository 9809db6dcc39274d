"""The one domain-error hierarchy. Services raise these; the web pages turn them into messages and the
API into HTTP 4xx responses. A user never sees a 500 for bad input.

Every error carries an `ErrorCode`: faces decide what to do by the code (a stale version reloads the
editor, a quota error shows the upgrade link), never by matching the text, which is translated."""

from enum import StrEnum


class ErrorCode(StrEnum):
    # input
    INVALID = "invalid"
    INVALID_CHARACTERS = "invalid_characters"
    # permission and existence
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"
    SKU_NOT_FOUND = "sku_not_found"
    STORE_SUSPENDED = "store_suspended"
    STORE_READ_ONLY = "store_read_only"  # its plan lapsed (billing)
    # state
    CONFLICT = "conflict"
    STALE_VERSION = "stale_version"
    OUT_OF_STOCK = "out_of_stock"
    CATEGORY_HAS_CHILDREN = "category_has_children"
    CATEGORY_HAS_PRODUCTS = "category_has_products"
    ILLEGAL_TRANSITION = "illegal_transition"
    PRICE_CHANGED = "price_changed"
    ORDER_CLOSED = "order_closed"
    ORDER_REFUNDED = "order_refunded"
    NOT_FOR_SALE = "not_for_sale"
    REFUND_TOO_LARGE = "refund_too_large"
    AFTER_SALE_OPEN = "after_sale_open"
    # plans
    QUOTA_EXCEEDED = "quota_exceeded"
    FEATURE_NOT_IN_PLAN = "feature_not_in_plan"
    QUOTA_UNAVAILABLE = "quota_unavailable"
    # sign-in
    WRONG_CREDENTIALS = "wrong_credentials"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    NOT_STORE_STAFF = "not_store_staff"
    LOCKED_OUT = "locked_out"
    LOGIN_TOKEN_USED = "login_token_used"
    LOGIN_TOKEN_EXPIRED = "login_token_expired"
    LOGIN_TOKEN_INVALID = "login_token_invalid"
    # payments
    PAYMENT_NOT_CONFIGURED = "payment_not_configured"
    PAYMENT_ALREADY_PAID = "payment_already_paid"
    PAYMENT_PROVIDER_ERROR = "payment_provider_error"
    PAYMENT_PROVIDER_UNAVAILABLE = "payment_provider_unavailable"
    PAYMENT_CREDENTIALS_REJECTED = "payment_credentials_rejected"
    INVALID_NOTIFICATION = "invalid_notification"
    CODE_INVALID = "code_invalid"
    CODE_EXPIRED = "code_expired"
    PHONE_TAKEN = "phone_taken"
    WECHAT_NOT_CONFIGURED = "wechat_not_configured"
    # limits on how often something may be asked for (sign-in codes)
    RATE_LIMITED = "rate_limited"
    # an outside provider (SMS, WeChat) refused or could not be reached
    PROVIDER_ERROR = "provider_error"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    # parcel tracking
    UNKNOWN_CARRIER = "unknown_carrier"
    INVALID_TRACKING_NUMBER = "invalid_tracking_number"
    TRACKING_NOT_CONFIGURED = "tracking_not_configured"
    TRACKING_PROVIDER_ERROR = "tracking_provider_error"
    TRACKING_PROVIDER_UNAVAILABLE = "tracking_provider_unavailable"
    INVALID_TRACKING_PUSH = "invalid_tracking_push"
    # the distributor program (referral)
    NOT_A_DISTRIBUTOR = "not_a_distributor"
    ALREADY_A_DISTRIBUTOR = "already_a_distributor"
    REFERRAL_LOOP = "referral_loop"
    COMMISSION_BALANCE_NEGATIVE = "commission_balance_negative"
    WITHDRAWAL_TOO_LARGE = "withdrawal_too_large"
    WITHDRAWAL_TOO_SMALL = "withdrawal_too_small"


class DomainError(Exception):
    """A business rule refused the action. `field` names the input at fault, when there is one."""

    status_code = 400
    default_code = ErrorCode.INVALID

    def __init__(self, message: str, *, field: str | None = None, code: ErrorCode | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = ErrorCode(code or self.default_code)

    def as_dict(self) -> dict:
        """The messages by field ("detail" for the error as a whole)."""
        if self.field:
            return {self.field: [self.message]}
        return {"detail": self.message}

    def details(self) -> dict:
        """Machine-readable facts besides the code, for API clients (never shown as messages)."""
        return {}


class InvalidInput(DomainError):
    """Input that breaks a rule, possibly on several fields at once."""

    def __init__(
        self, errors: dict[str, list[str]] | str, *, field: str | None = None, code: ErrorCode | None = None
    ):
        if isinstance(errors, str):
            errors = {field or "detail": [errors]}
        self.errors = errors
        first_field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=None if first_field == "detail" else first_field, code=code)

    def as_dict(self) -> dict:
        return dict(self.errors)


class NotAllowed(DomainError):
    status_code = 403
    default_code = ErrorCode.NOT_ALLOWED


class NotFound(DomainError):
    status_code = 404
    default_code = ErrorCode.NOT_FOUND


class Conflict(DomainError):
    """The current state forbids the move (an illegal transition, a lost race)."""

    status_code = 409
    default_code = ErrorCode.CONFLICT


class NotAuthenticated(DomainError):
    """Sign-in refused: wrong credentials, a deactivated account, an account that may not sign in here."""

    status_code = 401
    default_code = ErrorCode.WRONG_CREDENTIALS


class LockedOut(DomainError):
    """Too many wrong passwords for this account from this address: refused even with the right one."""

    status_code = 429
    default_code = ErrorCode.LOCKED_OUT


class QuotaExceeded(DomainError):
    """The store's plan does not allow more of something. `limit` names the plan's limit or feature
    ("products", "staff", "coupons"...), so a face can point at the plan that lifts it."""

    status_code = 403
    default_code = ErrorCode.QUOTA_EXCEEDED

    def __init__(self, message: str, *, code: ErrorCode | None = None, limit: str = ""):
        super().__init__(message, code=code)
        self.limit = limit

    def details(self) -> dict:
        return {"limit": self.limit} if self.limit else {}


class RateLimited(DomainError):
    """Asked for too often (a resend gap, a daily cap). `retry_after` says in how many seconds it may be
    asked again, when that is known; the API sends it as a Retry-After header too."""

    status_code = 429
    default_code = ErrorCode.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: int | None = None, field: str | None = None):
        super().__init__(message, field=field)
        self.retry_after = retry_after

    def details(self) -> dict:
        return {"retry_after": self.retry_after} if self.retry_after is not None else {}


class ProviderError(DomainError):
    """An outside provider (payments, parcel tracking, the SMS gateway, WeChat) refused or failed a call.
    The message is for the user; `provider` and its own `provider_code` ("ORDERPAID", a Kuaidi100
    returnCode) go to the log and the API's details, never into the message."""

    status_code = 502
    default_code = ErrorCode.PROVIDER_ERROR

    def __init__(
        self,
        message: str,
        *,
        provider: str = "",
        provider_code: str = "",
        code: ErrorCode | None = None,
        field: str | None = None,
    ):
        super().__init__(message, code=code, field=field)
        self.provider = provider
        self.provider_code = provider_code

    def details(self) -> dict:
        return {"provider": self.provider, "provider_code": self.provider_code} if self.provider else {}


class ProviderUnavailable(ProviderError):
    """The provider could not be reached or failed on its side (a timeout, a 5xx): try again later."""

    status_code = 503
    default_code = ErrorCode.PROVIDER_UNAVAILABLE
