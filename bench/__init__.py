"""The statewide-scale benchmark: a data-set generator and a runner (`make bench`).

`bench.seed` fills a database with a decade of the whole state's requests; `bench.pages` lists
what is measured (one line per page); `bench.run` starts the portal under gunicorn and measures.
"""
