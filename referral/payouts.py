"""How a withdrawal's money reaches the distributor: one small provider interface. This slice ships the
`sandbox` (pays at once, locally); WeChat merchant transfer bills (商家转账, with their
WAIT_USER_CONFIRM step) come next, behind the same interface.

A provider must be idempotent by the withdrawal number: asked twice for the same number (a retried
approval after a lost answer), it pays once and answers the same reference."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.utils.translation import gettext as _

from tenants.errors import InvalidInput


@dataclass(frozen=True)
class PayoutRequest:
    number: str  # the withdrawal number: the provider's idempotency key
    amount: Decimal
    user_id: int
    currency: str = "CNY"


@dataclass(frozen=True)
class PayoutResult:
    succeeded: bool
    reference: str = ""
    message: str = ""  # why it failed, for the distributor and the finance team


class PayoutProvider(Protocol):
    code: str

    def send_payout(self, request: PayoutRequest) -> PayoutResult:
        """Pay, or say why not. Raises tenants.errors.ProviderUnavailable when the provider cannot be
        reached (nothing is decided then: the withdrawal stays requested)."""
        ...


class SandboxPayouts:
    """Pays every request at once; the reference is derived from the number, so a repeat answers the
    same."""

    code = "sandbox"

    def send_payout(self, request: PayoutRequest) -> PayoutResult:
        return PayoutResult(succeeded=True, reference=f"SANDBOX-{request.number}")


PROVIDERS: dict[str, PayoutProvider] = {SandboxPayouts.code: SandboxPayouts()}


def payout_provider(code: str) -> PayoutProvider:
    provider = PROVIDERS.get(code)
    if provider is None:
        raise InvalidInput({"method": [_("This payout method is not available.")]})
    return provider
