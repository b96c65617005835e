"""A new program repository from the template."""
