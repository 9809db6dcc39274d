"""The distributor program's services, one module per concern:

program.py      settings, the default grade, distributors (apply, approve, freeze), buyer bindings
chain.py        the chain of earners snapshotted on an order when it is placed
ledger.py       commission booked on payment, released after completion, reversed or clawed back
withdrawals.py  withdrawals held, approved (paid out) or rejected, payout failures
"""

from django.db import connection

from tenants.models import Store


def current_store() -> Store:
    """The store whose schema this connection is in (receivers and tasks run there)."""
    return Store.objects.get(schema_name=connection.schema_name)
