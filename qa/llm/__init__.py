"""The model: one OpenAI-compatible client, the embedded local server and its idle watchdog, named
models, where calls go, prompt files, and whether a model's answers are worth asking for.

May import the top-level records and settings only.
"""
