"""The HTTP layer: FastAPI app factory, auth, envelope, one router per resource."""
