"""pydantic models shared by every layer."""
