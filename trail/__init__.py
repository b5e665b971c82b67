"""The activity trail (操作留痕): every change to election data, append-only and hash-chained.

The doors, one per kind of write:
- a model whose single-object saves and deletes must be traced: `trail.registry.register(Model, ...)` in
  the owning app's AppConfig.ready (django-auditlog captures, `trail.receivers` chains);
- a bulk write (bulk_create, update(), COPY, an import, a recompute): `trail.services.record_bulk(...)` in
  the same transaction;
- work outside a web request (commands, Celery tasks): `with trail.services.acting_as(user):` names who;
- proof that nothing was altered or removed: `python manage.py verify_trail [--anchor N:HASH or CODE]`,
  which also checks every anchor in settings.TRAIL_ANCHOR_FILE;
- anchors outside the database: the nightly task `trail.tasks.anchor_trail` (or `manage.py anchor_trail`)
  appends the chain head to that file and mails it to TRAIL_ANCHOR_EMAILS; a milestone calls
  `trail.services.anchor_on_commit(reason)`; papers print `{% trail_head_code %}` (trail_tags).
"""
