"""Broker backends behind the operations: `sim` (embedded simulator) and `ths` (the real client)."""
