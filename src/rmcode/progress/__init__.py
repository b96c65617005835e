"""Progress, metrics, flags, nudges and survey aggregates as of a date."""
