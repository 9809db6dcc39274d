"""What the platform announces. Store apps (shop, referral) and billing listen; tenants imports none
of them."""

from django.dispatch import Signal

# Sent inside the signup transaction, after the store is named and its owner exists.
# kwargs: store, owner, plan_code. A receiver that raises aborts the whole signup.
store_opened = Signal()

# Sent when an operator suspends or reactivates a store. kwargs: store, actor, reason.
store_status_changed = Signal()
