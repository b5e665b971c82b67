"""The activity trail (操作留痕): every change to election data, append-only and hash-chained.

The doors, one per kind of write:
- a model whose single-object saves and deletes must be traced: `trail.registry.register(Model, ...)` in
  the owning app's AppConfig.ready (django-auditlog captures, `trail.receivers` chains);
- a bulk write (bulk_create, update(), COPY, an import, a recompute): `trail.services.record_bulk(...)` in
  the same transaction;
- work outside a web request (commands, Celery tasks): `with trail.services.acting_as(user):` names who;
- proof that nothing was altered or removed: `python manage.py verify_trail [--anchor N:HASH]`.
"""
