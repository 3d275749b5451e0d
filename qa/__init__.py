"""qa: grounded answers from official press releases."""
