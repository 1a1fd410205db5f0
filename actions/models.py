"""The action plan that follows a signed-off review."""
