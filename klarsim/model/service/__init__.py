"""Service: the AI tier, the queues, the router and chat desk, and the journey that settles
how each contact ends."""
