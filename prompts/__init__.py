"""Prompt templates, as files: one per task, loaded by name with qa.llm.prompting.load."""
