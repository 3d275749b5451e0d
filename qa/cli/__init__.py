"""The `qa` command line: one module per command group over the same functions the service uses.

May import every stage; nothing imports it.
"""
