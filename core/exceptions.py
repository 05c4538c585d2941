from django.core.exceptions import ValidationError


class StaleVersionError(ValidationError):
    """The row changed since the editor loaded it (optimistic concurrency)."""
