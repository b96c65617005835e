"""Schema validation, cross-file rules and the validation pipeline."""
