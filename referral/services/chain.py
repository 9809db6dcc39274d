"""The chain of earners snapshotted on an order when it is placed (shop's `order_placed`).

Level 1 is the distributor the buyer is bound to — or the buyer, when self-purchase commission is on and
the buyer is a distributor; levels 2 and 3 are its uplines. The chain is cut to the levels the store
enabled, which its plan allows and the law caps at three. Each level's rate is its distributor's grade
rate for that level, copied: later edits of grades, bindings or settings never change a placed order.
Only distributors active at placement are in it; a level whose distributor is not keeps its number
(their upline is still level 2, not promoted to 1)."""

from django.db import IntegrityError, transaction

from referral.models import MAX_LEVELS, Binding, ChainLevel, CommissionChain, Distributor, ProgramSettings
from referral.services import current_store
from shop.models import Order
from tenants import quotas


def levels_allowed(store, program: ProgramSettings) -> int:
    return min(program.levels, quotas.distribution_levels(store), MAX_LEVELS)


def earners_for(*, buyer_id: int, levels: int, self_purchase: bool) -> list[tuple[int, Distributor]]:
    """[(level, distributor)] for a purchase by `buyer_id`, active distributors only."""
    related = ("grade", "parent__grade", "parent__parent__grade")
    first = None
    own = Distributor.objects.select_related(*related).filter(user_id=buyer_id).first()
    if self_purchase and own is not None and own.earns:
        first = own
    else:
        binding = Binding.objects.filter(buyer_id=buyer_id).first()
        if binding is not None:
            first = Distributor.objects.select_related(*related).get(pk=binding.distributor_id)
    chain, node, seen = [], first, set()
    for level in range(1, levels + 1):
        if node is None or node.pk in seen:
            break
        # The buyer earns on their own order only as level 1 with self-purchase on (bindings refuse loops;
        # this keeps it so whatever the data).
        if node.user_id == buyer_id and not (self_purchase and level == 1):
            break
        seen.add(node.pk)
        if node.earns:
            chain.append((level, node))
        node = node.parent
    return chain


@transaction.atomic
def snapshot_chain(*, order_id: int, store=None) -> CommissionChain | None:
    """Snapshot the order's chain once (a repeat returns the first). None when nobody earns on it: the
    program is off, the buyer came through nobody, or the plan allows no level."""
    existing = CommissionChain.objects.filter(order_id=order_id).first()
    if existing is not None:
        return existing
    order = Order.objects.filter(pk=order_id).only("pk", "buyer_id").first()
    program = ProgramSettings.current()
    if order is None or not program.enabled:
        return None
    levels = levels_allowed(store or current_store(), program)
    earners = earners_for(buyer_id=order.buyer_id, levels=levels, self_purchase=program.self_purchase)
    if not earners:
        return None
    try:
        with transaction.atomic():
            chain = CommissionChain.objects.create(order_id=order.pk)
            ChainLevel.objects.bulk_create(
                ChainLevel(
                    chain=chain, level=level, distributor=distributor, rate=distributor.grade.rate_for(level)
                )
                for level, distributor in earners
            )
    except IntegrityError:  # snapshotted meanwhile
        return CommissionChain.objects.get(order_id=order_id)
    return chain
