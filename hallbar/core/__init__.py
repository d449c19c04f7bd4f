"""Foundation below every app: generic machinery that Django models of any app use.

Not a Django app (no tables, no migrations, not in INSTALLED_APPS). It may import
Django and simple_history, never a `hallbar` app: every app may import from it.

- `history`: an object's recorded versions (django-simple-history) read as entries of
  who, when and which fields changed from what to what, links included.
- `versions`: one version per save, and the edit-conflict check (optimistic locking on
  `updated_at`, refused with what changed meanwhile).
- `forms`: `VersionedFormMixin`, the form side of the edit-conflict check, and the
  delete confirmation.
- `records`: the registry of record kinds (each app registers its own): history pages
  with parts, CSV/JSON history exports, soft and hard delete, restore.
- `models`: abstract `SoftDeletable` and the `AliveManager` that hides deleted rows.

The shared template of a conflict is `hallbar/templates/includes/conflict.html`.
"""
