"""The only place that reads and writes files, caches, runs git or talks to the network."""
