"""supervisor-event-store: a thin Python client for the PostgreSQL event store."""
