"""Response contracts the API can speak: v1 (the 1.x reference, default) and v2 (the original
project's 2.x generation). `v2.py` declares the 2.x result fields as data."""
