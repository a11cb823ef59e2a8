"""gunicorn settings of a node, read by `gunicorn wsgi:app` from this folder (or with
`-c gunicorn.conf.py`). Sizing and proxy flags belong on the command line; see
docs/deployment.md."""


def post_worker_init(worker) -> None:
    # After the fork, in each worker: follow publications made on other nodes and
    # publish scheduled documents on time (handbook/node.py). Other apps served with
    # this file are left alone.
    from handbook import node

    node.start_background(worker.wsgi)
