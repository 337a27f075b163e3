"""Payable time: contract rule sets (rules.py), the pure engine (engine.py) and the pay calendar (calendar.py).

Nothing here touches the database or Flask, so the money rules can be tested on their own.
"""
