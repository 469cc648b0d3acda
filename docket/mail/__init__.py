"""Mail: the outbox (stored first, sent exactly once), the SMTP channel, reply addresses, chasers, bounces."""
