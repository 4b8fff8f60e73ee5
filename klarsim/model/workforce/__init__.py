"""Workforce: human pools and their agents, rosters and staffing, headcount over time, and the
gig pool."""
