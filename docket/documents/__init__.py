"""Documents: a content-addressed store for every file Docket keeps, attachments and their text."""
