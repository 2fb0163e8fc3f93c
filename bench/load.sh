#!/usr/bin/env bash
# Load check: gunicorn with 4 workers on 127.0.0.1 against the bench database (run `make bench`
# first), 20 concurrent users for 30 s on the caseload list and a quarterly report, loopback only.
# Needs `hey` (apt-get install hey). Prints hey's summaries (p95 included).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SOCKET_DIR="$(pwd)/.data/pg"
export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@/peacekeeper_bench?host=$SOCKET_DIR}"
export DJANGO_SECRET_KEY="load-check-$(date +%s)-$RANDOM-$RANDOM-$RANDOM-$RANDOM"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,testserver DJANGO_HTTPS=0 DATABASE_CONN_MAX_AGE=60
PORT="${LOAD_PORT:-8765}"
DURATION="${LOAD_SECONDS:-30}s"
command -v hey >/dev/null || { echo "hey is missing: apt-get install hey" >&2; exit 2; }
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
COOKIE=$($PY manage.py shell -v0 -c "
from django.contrib.auth.models import Group, User
from django.test import Client
user, _ = User.objects.get_or_create(username='load-check-manager')
user.groups.add(Group.objects.get(name='Manager'))
client = Client()
client.force_login(user)
client.get('/health/')
print(client.cookies['sessionid'].value)
")
.venv/bin/gunicorn config.wsgi --workers 4 --bind "127.0.0.1:$PORT" --log-level warning &
GUNICORN=$!
trap 'kill $GUNICORN' EXIT
sleep 3
YEAR=$(date +%Y)
for path in "/clients/" "/reports/quarterly/$((YEAR - 1))/3/"; do
  echo "== $path (20 users, $DURATION)"
  hey -z "$DURATION" -c 20 -H "Cookie: sessionid=$COOKIE" "http://127.0.0.1:$PORT$path" |
    grep -E "Requests/sec|Average|Slowest|95%|99%|50%|Status code|\[[0-9]{3}\]|Error"
done
