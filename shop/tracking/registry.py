"""Which tracking provider the platform uses, from settings.TRACKING_PROVIDER: "kuaidi100" (its keys set),
"sandbox" (development, demos, tests) or "none" (production without keys: shipments show their carrier and
number, and nothing is asked about them). Tracking is the platform's account, shared by every store: a
parcel's pushes reach its store through the callback URL, which is on the store's own host."""

from django.conf import settings
from django.utils.translation import gettext as _

from shop.tracking.base import TrackingNotConfigured, TrackingProvider
from shop.tracking.kuaidi100 import Kuaidi100Client
from shop.tracking.sandbox import SandboxTracking

SANDBOX, KUAIDI100 = "sandbox", "kuaidi100"


def tracking_configured() -> bool:
    return settings.TRACKING_PROVIDER in (SANDBOX, KUAIDI100)


def tracking_provider() -> TrackingProvider:
    """The platform's provider, built from settings at each call; TrackingNotConfigured when it has none."""
    if settings.TRACKING_PROVIDER == KUAIDI100:
        return Kuaidi100Client(
            customer=settings.KUAIDI100_CUSTOMER, key=settings.KUAIDI100_KEY, salt=settings.KUAIDI100_SALT
        )
    if settings.TRACKING_PROVIDER == SANDBOX:
        return SandboxTracking()
    raise TrackingNotConfigured(_("Parcel tracking is not set up on this platform."))
