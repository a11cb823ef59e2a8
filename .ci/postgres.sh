#!/usr/bin/env bash
# Installs and starts a PostgreSQL server on loopback with an empty test database.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
as_postgres() { su postgres -c "psql -qtAc \"$1\""; }
[ "$(as_postgres "SELECT 1 FROM pg_roles WHERE rolname='handbook'")" = 1 ] ||
  as_postgres "CREATE ROLE handbook LOGIN PASSWORD 'handbook'"
as_postgres "DROP DATABASE IF EXISTS handbook_test"
as_postgres "CREATE DATABASE handbook_test OWNER handbook"
