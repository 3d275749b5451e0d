"""Test doubles for the tests and benchmarks: scripted fake models (an oracle and adversaries), held and
hung model servers, and a loopback web site. Never imported by the product.

May import anything of qa.
"""
