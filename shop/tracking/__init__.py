"""Parcel tracking behind one interface (base.py): the sandbox (sandbox.py) and Kuaidi100 (kuaidi100.py);
registry.py builds the platform's provider from settings; carriers.py lists the carriers and checks their
tracking numbers. What the shop does with the answers lives in shop/services/tracking_updates.py."""
