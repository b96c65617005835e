"""The program site: pages, charts, config, build and serve."""
