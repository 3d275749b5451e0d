"""Releases in: reading files, PDFs, pages and feeds, the safe fetcher, chunking, and committing batches
to the index.

May import qa.text, qa.index and the top-level records and settings.
"""
