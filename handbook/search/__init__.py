"""Vietnamese full-text search over published sections (every Whoosh call lives here).

Web:  GET /tim-kiem?q=…[&loai=&co-quan=&nam=&hieu-luc=&trang=]  → endpoint search.results
      (HTML; JSON when the client sends `Accept: application/json`, or at /tim-kiem.json,
      endpoint search.results_json; a bare document number redirects to the document,
      in JSON it is named in "target").
      GET /tim-kiem/goi-y?q=…  → search.suggest: {"completions": [{label, title, url}]}.
Service for the editor: indexer.update_document(session, root, slug) after publishing.
Several nodes: replica.start(app) (gunicorn.conf.py) keeps this node's index in step
      with publications made on any node (docs/deployment.md).
CLI:  flask handbook reindex [--if-needed] | check-index | search-eval CORPUS QUERIES [--json OUT]
"""
