"""One module per group of click commands; cli.py registers them."""
