"""The statewide-scale benchmark (`make bench`, bench/run.py): what users feel under concurrent
use, measured over HTTP.

`seed` (with `bulk`) fills a database with a decade of the whole state's requests; `pages` lists
what is measured and the targets; `prepare` and `sweeps` run in Django processes beside it;
`servers` starts gunicorn and PgBouncer; `load` is the load generator; `report` writes the
results (bench/results/latest.md).
"""
