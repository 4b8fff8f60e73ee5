"""A scenario fitted to a contact centre's interval export, and backtested against the export."""
