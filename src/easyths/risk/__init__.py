"""Pre-trade risk limits and the kill switch: `rules` (pure), `guard` (journal-backed admission)."""
