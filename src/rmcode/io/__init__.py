"""The only place that reads and writes files, caches, runs git or talks to the network.

repo: the program's files on disk; cache: the validation cache; git: the one git runner; gitdiff: a
pull request's change read from git; package_data: rmcode's own shipped files; delivery: e-mail and
webhooks. io imports only errors, sealing, layout, model and load.
"""
