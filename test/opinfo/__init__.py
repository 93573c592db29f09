"""The kit's OpInfo framework: core (records), samples, op_db, checks, params, todos."""
