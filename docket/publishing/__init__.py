"""Publication: approved letters, replies and documents, redacted, on public pages and as a static site."""
