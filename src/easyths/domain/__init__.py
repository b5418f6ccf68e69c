"""Pure domain rules (codes, prices, fees, sessions, holdings, orders): no I/O, usable from every layer."""
