"""Payment providers behind one interface (base.py): the sandbox, WeChat Pay (wechat.py) and Stripe
(stripe_provider.py); registry.py picks and builds a store's provider from its settings."""
