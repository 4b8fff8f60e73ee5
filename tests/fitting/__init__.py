"""Tests of klarsim.fitting: the export reader, the estimators, fit and backtest."""
