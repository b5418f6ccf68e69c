"""The durable operation engine: SQLite journal + priority queue + one serial worker."""
