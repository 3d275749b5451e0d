"""The eval harness: datasets, scoring, retrieval recall, reports, and cassettes of model traffic.

May import every stage below it (qa.text, qa.index, qa.ingest, qa.llm, qa.answer, qa.brief); never
qa.testing.
"""
