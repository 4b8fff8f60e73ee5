"""Demand: arrivals by hour and day, the contacts they bring with their luck, and the customers
behind them."""
