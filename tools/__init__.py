"""Development tools of the project (not installed with the service)."""
