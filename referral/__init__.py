"""The distributor program (分销), in each store's schema.

What is here (the ledger engine, issue 8's first slice):
- models.py: program settings (one row), grades with a rate per level, distributors (a tree, no loops),
  first-touch buyer bindings, the chain snapshotted per order, the append-only commission ledger and
  withdrawals;
- services/: program.py (settings, distributors, bindings), chain.py (the snapshot at placement),
  ledger.py (book on payment, release after completion + freeze days, reverse or claw back on refunds,
  set-based settlement), withdrawals.py (hold, approve through a payout provider, reject, failures);
- payouts.py (provider interface, sandbox only), selectors.py (balances summed from entries),
  receivers.py (the shop's order events), tasks.py + `manage.py settle_commissions` (settlement).

What comes next: the distributor centre and console pages and API endpoints, WeChat merchant transfers as a
payout provider, grade editing and auto-upgrade, per-product rates, other binding rules, posters/QR,
visits, risk flags and demo data."""
