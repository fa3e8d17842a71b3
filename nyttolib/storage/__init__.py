"""Storage: the database layer and the assessment store with revisions."""
