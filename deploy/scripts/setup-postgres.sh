#!/bin/sh
# One-shot: create Temporal's two PostgreSQL databases and bring their schemas up to date.
# Safe to run again: existing databases are kept and update-schema only applies what is missing.
set -eu

: "${POSTGRES_SEEDS:=postgresql}"
: "${DB_PORT:=5432}"
: "${POSTGRES_USER:=temporal}"
: "${SQL_PASSWORD:?SQL_PASSWORD must hold the PostgreSQL password}"
export SQL_PASSWORD

SCHEMA_ROOT=/etc/temporal/schema/postgresql/v12

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

echo "waiting for PostgreSQL at $POSTGRES_SEEDS:$DB_PORT"
until nc -z -w 5 "$POSTGRES_SEEDS" "$DB_PORT"; do sleep 1; done

for db in temporal temporal_visibility; do
  case "$db" in
    temporal) schema_dir="$SCHEMA_ROOT/temporal/versioned" ;;
    *) schema_dir="$SCHEMA_ROOT/visibility/versioned" ;;
  esac
  echo "setting up database $db"
  sql_tool --db "$db" create
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "$schema_dir"
done
echo "PostgreSQL schema is ready"
