# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's transport: a request whose body never arrives whole (its client was cut mid-send) is
not an API call -- nothing is carried out or logged, as a real gateway would not pass it on. (Over HTTPS
the stop tests meet it: task_timeout cutting reads that are being sent.)"""

import socket
import time


def test_a_request_cut_mid_body_is_not_an_api_call(live_api_fresh):
    with socket.create_connection(("127.0.0.1", live_api_fresh.port), timeout=10) as conn:
        head = (
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "X-TC-Action: DescribeLiveStreamState\r\nContent-Length: 100\r\n\r\n"
        )
        conn.sendall(head.encode() + b'{"StreamName":')
        time.sleep(0.2)
        conn.shutdown(socket.SHUT_WR)  # the client is gone before the rest of its body
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400 ") and b"ended before its Content-Length" in answer
    assert live_api_fresh.core.calls == []
