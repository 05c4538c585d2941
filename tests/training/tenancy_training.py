"""Training routes the generic tenancy suites must not treat as object lists."""

UNSCOPED_API_ROUTES = {
    "api/v1/certificates/flagged-enterprises/": (
        "enterprises computed from the restricted certificates; isolation tested in "
        "tests/training/test_pages.py"
    ),
}
