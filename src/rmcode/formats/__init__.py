"""Text formats: Markdown escaping, problems, matches.yaml and its diff, person YAML."""
