#!/usr/bin/env bash
# Make sure PostgreSQL, Redis and RabbitMQ answer for the test suite, and that Chromium is
# there for the browser tests: start them, or install them (Debian, as root) when they are
# missing. DATABASE_URL, REDIS_URL and RABBITMQ_URL, when set, are used as is.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
rabbitmq_up() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  [ -n "${APT_UPDATED:-}" ] || { as_root apt-get update -qq; APT_UPDATED=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ -z "${DATABASE_URL:-}" ] && ! pg_up; then
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  version=$(ls /etc/postgresql | sort -n | tail -1)
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
  # Trust local TCP connections for the postgres role, as the test settings expect.
  psql -h 127.0.0.1 -U postgres -c "select 1" >/dev/null 2>&1 || {
    hba=$(ls /etc/postgresql/"$version"/main/pg_hba.conf)
    sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  }
fi

if [ -z "${REDIS_URL:-}" ] && ! redis_up; then
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 30); do redis_up && break; sleep 0.5; done
  redis_up || { echo "Redis did not start on 127.0.0.1:6379" >&2; exit 1; }
fi

# RabbitMQ, the other broker (tests/tasks/test_rabbitmq.py): guest on 127.0.0.1:5672.
if [ -z "${RABBITMQ_URL:-}" ] && ! rabbitmq_up; then
  command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
  as_root rabbitmq-server -detached
  for _ in $(seq 60); do rabbitmq_up && break; sleep 1; done
  rabbitmq_up || { echo "RabbitMQ did not start on 127.0.0.1:5672" >&2; exit 1; }
fi

# The browser tests drive Debian's Chromium through Playwright.
[ -x /usr/bin/chromium ] || apt_install chromium
