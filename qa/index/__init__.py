"""Storage and retrieval: the index file (releases, chunks, term bags, feeds' state), the answer log,
BM25, search, the second-look rerank, spelling of the question as searched, and storage errors.

May import qa.text and the top-level records and settings (qa.models, qa.schemas, qa.settings).
"""
