"""The demo program seed_demo creates, a module per app: accounts (the logins), outreach
(neighborhoods, partners, clients and their history), incidents (the seed story's violence)."""
