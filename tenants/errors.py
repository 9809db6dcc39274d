"""The one domain-error hierarchy. Services raise these; the web pages turn them into messages and the
API into HTTP 4xx responses. A user never sees a 500 for bad input."""


class DomainError(Exception):
    """A business rule refused the action. `field` names the input at fault, when there is one."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or self.default_code

    def as_dict(self) -> dict:
        if self.field:
            return {self.field: [self.message]}
        return {"detail": self.message}


class InvalidInput(DomainError):
    """Input that breaks a rule, possibly on several fields at once."""

    def __init__(self, errors: dict[str, list[str]] | str, *, field: str | None = None):
        if isinstance(errors, str):
            errors = {field or "detail": [errors]}
        self.errors = errors
        first_field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=None if first_field == "detail" else first_field)

    def as_dict(self) -> dict:
        return dict(self.errors)


class NotAllowed(DomainError):
    status_code = 403
    default_code = "not_allowed"


class NotFound(DomainError):
    status_code = 404
    default_code = "not_found"


class Conflict(DomainError):
    """The current state forbids the move (an illegal transition, a lost race)."""

    status_code = 409
    default_code = "conflict"


class QuotaExceeded(DomainError):
    """The store's plan does not allow more of something."""

    status_code = 403
    default_code = "quota_exceeded"
