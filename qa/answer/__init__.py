"""Answering a question: typed stages from the question to a short, cited, verified answer."""

from qa.answer.pipeline import DECLINE, PARTIAL, Answerer

__all__ = ["DECLINE", "PARTIAL", "Answerer"]
