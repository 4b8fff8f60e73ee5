"""One replication: the composition root that builds the model, the run loop, and the
engine-side recorders (no pandas)."""
