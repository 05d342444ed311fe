# shellcheck shell=bash
# Start/stop the Tencent Cloud Live emulator (tests/emulator/live_emulator.py).
# Sourced by hack/run-integration.sh and hack/demo.sh; not meant to be run directly.
#
#   emulator_start PYTHON EMULATOR_SCRIPT STATE_DIR   -> sets EMULATOR_PID, EMULATOR_PORT, EMULATOR_URL
#                                                        (and EMULATOR_CA_PATH over HTTPS)
#   emulator_stop                                     -> stops it (safe to call twice)
#
# The emulator listens on a free port (--port 0) and writes the port number to
# STATE_DIR/port once it is listening; its log and call log go to STATE_DIR too.
# EMULATOR_SCHEME=https: it serves HTTPS with a certificate for 127.0.0.1 from a throwaway CA that
# PYTHON makes with trustme (a test requirement; throwaway_ca.py beside the emulator script), written to
# STATE_DIR; EMULATOR_CA_PATH is the CA file a client trusts (the modules' ca_path).

# results for the sourcing script
# shellcheck disable=SC2034
EMULATOR_PORT=
EMULATOR_PID=
EMULATOR_URL=
EMULATOR_CA_PATH=
EMULATOR_SCHEME=${EMULATOR_SCHEME:-http}
EMULATOR_START_TIMEOUT=${EMULATOR_START_TIMEOUT:-20}


emulator_start() {
    local python=$1 script=$2 state_dir=$3
    if [ ! -f "$script" ]; then
        echo "ERROR: emulator not found: $script" >&2
        return 1
    fi
    mkdir -p "$state_dir"
    local port_file=$state_dir/port
    rm -f "$port_file" "$state_dir/calls.jsonl" "$state_dir/emulator.log"

    local tls=()
    case "$EMULATOR_SCHEME" in
    http) ;;
    https)
        "$python" "$(dirname "$script")/throwaway_ca.py" "$state_dir" || {
            echo "ERROR: could not make the emulator's certificate (EMULATOR_SCHEME=https needs trustme in $python)" >&2
            return 1
        }
        tls=(--tls-cert "$state_dir/server.pem")
        ;;
    *)
        echo "ERROR: EMULATOR_SCHEME must be http or https, not $EMULATOR_SCHEME" >&2
        return 1
        ;;
    esac

    "$python" "$script" --port 0 --port-file "$port_file" --call-log "$state_dir/calls.jsonl" "${tls[@]}" \
        >"$state_dir/emulator.log" 2>&1 </dev/null &
    EMULATOR_PID=$!

    local waited=0 port=
    # poll every 0.1 s up to EMULATOR_START_TIMEOUT seconds
    while [ "$waited" -lt $((EMULATOR_START_TIMEOUT * 10)) ]; do
        if [ -s "$port_file" ]; then
            port=$(tr -d '[:space:]' <"$port_file")
            # the file may be caught half-written; only accept a complete port number
            if [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -gt 0 ] && [ "$port" -lt 65536 ]; then
                break
            fi
            port=
        fi
        if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
            local rc=0
            wait "$EMULATOR_PID" || rc=$?
            EMULATOR_PID=
            echo "ERROR: the emulator exited (status $rc) before writing its port file. Its log ($state_dir/emulator.log):" >&2
            sed 's/^/    /' "$state_dir/emulator.log" >&2
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    if [ -z "$port" ]; then
        echo "ERROR: the emulator did not write a port number to $port_file within ${EMULATOR_START_TIMEOUT}s. Its log:" >&2
        sed 's/^/    /' "$state_dir/emulator.log" >&2
        emulator_stop
        return 1
    fi
    # shellcheck disable=SC2034
    EMULATOR_PORT=$port
    EMULATOR_URL=$EMULATOR_SCHEME://127.0.0.1:$port
    if [ "$EMULATOR_SCHEME" = https ]; then
        # shellcheck disable=SC2034
        EMULATOR_CA_PATH=$state_dir/ca.pem
    fi
    echo "emulator: pid $EMULATOR_PID listening on $EMULATOR_URL (log and call log in $state_dir)"
}

emulator_stop() {
    [ -n "$EMULATOR_PID" ] || return 0
    local pid=$EMULATOR_PID tries=0
    EMULATOR_PID=
    kill "$pid" 2>/dev/null || return 0
    while kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 50 ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "emulator: pid $pid ignored SIGTERM for 5 s, killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    echo "emulator: stopped"
}
