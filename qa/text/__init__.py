"""The language layer: how text is read.

Holds the search-term analyzer, sentence spans, the date parser, acronyms, the kinds of value a question asks
for, boilerplate and instruction-like sentences, the grounding checks of figures and names, and the
tokenizer. Imports nothing of qa: every other stage asks its text facts here.
"""
