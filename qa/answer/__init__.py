"""Answering a question: typed stages from the question to a short, cited, verified answer.

May import qa.text, qa.index, qa.llm and the top-level records and settings.
"""

from qa.answer.pipeline import DECLINE, PARTIAL, Answerer

__all__ = ["DECLINE", "PARTIAL", "Answerer"]
