"""Summaries and briefings: what a release states, its summary, a briefing over several releases, the
memo, and model prose kept only when the releases back it.

May import qa.text, qa.index, qa.llm, qa.answer and the top-level records and settings.
"""
