"""The discrete-event kernel the model runs on: the SimPy environment with merged arrivals,
callback events, a calendar for far-off events, named random streams and time integrals.
It knows nothing of contact centres."""
