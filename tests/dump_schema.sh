#!/usr/bin/env bash
# The deployed event_store schema of database $1, as sql/structure.sql holds it: pg_dump without
# what changes from dump to dump (its comments, settings and random \restrict key).
set -euo pipefail
pg_dump --schema-only --schema=event_store --no-owner "$1" \
  | grep -v -e '^--' -e '^SET ' -e '^SELECT pg_catalog.set_config' -e '^\\restrict' -e '^\\unrestrict' \
  | cat -s
