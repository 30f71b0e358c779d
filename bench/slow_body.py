#!/usr/bin/python3
"""Slow request bodies against a running itp-server, over raw HTTP/2.

Opens --streams CreatePlan streams (spread over --connections connections),
each declaring a --declared-mb gRPC message and sending all but the last
--missing-kb of it, then never finishing. Holds them for --hold seconds while
answering the server's frames, then prints, per outcome, how many streams
ended how (reset by the server, ended with a gRPC status, still open), the
bytes the server accepted, and the server's RSS before, at the peak and at
the end (from /proc/PID/status when --server-pid is given).

Needs python3-h2 (Debian). Example:
  bench/slow_body.py --port 50051 --server-pid $(pidof itp-server)
"""

import argparse
import socket
import sys
import time

import h2.config
import h2.connection
import h2.events
import h2.settings


def rss_mib(pid):
    if not pid:
        return float("nan")
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


class Attacker:
    """One HTTP/2 connection holding `streams` unfinished request bodies."""

    def __init__(self, port, streams, declared, missing):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setblocking(False)
        config = h2.config.H2Configuration(client_side=True,
                                           header_encoding="utf-8")
        self.conn = h2.connection.H2Connection(config=config)
        self.conn.initiate_connection()
        self.pending = {}  # stream id -> bytes still to send
        self.outcome = {}  # stream id -> how it ended
        self.sent = 0
        self.closed = False
        body_len = declared - missing
        prefix = b"\x00" + declared.to_bytes(4, "big")
        for _ in range(streams):
            sid = self.conn.get_next_available_stream_id()
            self.conn.send_headers(sid, [
                (":method", "POST"), (":scheme", "http"),
                (":path", "/itp.v1.PlanService/CreatePlan"),
                (":authority", f"127.0.0.1:{port}"),
                ("content-type", "application/grpc"), ("te", "trailers"),
            ])
            self.pending[sid] = prefix + b"\x0a" * (body_len - len(prefix))
        self.flush()

    def flush(self):
        data = self.conn.data_to_send()
        while data and not self.closed:
            try:
                n = self.sock.send(data)
                data = data[n:]
            except BlockingIOError:
                time.sleep(0.001)
            except OSError:
                self.closed = True

    def pump(self):
        """Sends what flow control allows, handles what the server sent."""
        if self.closed:
            return
        for sid in list(self.pending):
            body = self.pending[sid]
            if sid in self.outcome or not body:
                continue
            window = min(self.conn.local_flow_control_window(sid),
                         self.conn.max_outbound_frame_size)
            if window <= 0:
                continue
            chunk, self.pending[sid] = body[:window], body[window:]
            try:
                self.conn.send_data(sid, chunk)
                self.sent += len(chunk)
            except Exception:  # the stream was reset meanwhile
                self.outcome.setdefault(sid, "reset")
        self.flush()
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.closed = True
            return
        for event in self.conn.receive_data(data):
            if isinstance(event, h2.events.StreamReset):
                # After a status the server resets what is left of the body
                # (RST_STREAM NO_ERROR): the status is what counts.
                self.outcome.setdefault(event.stream_id, "reset by server")
            elif isinstance(event, h2.events.TrailersReceived):
                status = dict(event.headers).get("grpc-status", "?")
                self.outcome[event.stream_id] = f"grpc-status {status}"
            elif isinstance(event, h2.events.ResponseReceived):
                headers = dict(event.headers)
                if "grpc-status" in headers:
                    self.outcome[event.stream_id] = (
                        f"grpc-status {headers['grpc-status']}")
            elif isinstance(event, h2.events.ConnectionTerminated):
                self.closed = True
        self.flush()

    def results(self):
        out = {}
        for sid in self.pending:
            how = self.outcome.get(sid)
            if how is None:
                how = "connection closed" if self.closed else "still open"
            out[how] = out.get(how, 0) + 1
        return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--server-pid", type=int, default=0)
    parser.add_argument("--streams", type=int, default=100)
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--declared-mb", type=float, default=4.0)
    parser.add_argument("--missing-kb", type=int, default=100)
    parser.add_argument("--hold", type=float, default=60.0)
    args = parser.parse_args()

    declared = int(args.declared_mb * 1024 * 1024) - 64
    before = rss_mib(args.server_pid)
    per = [args.streams // args.connections] * args.connections
    per[0] += args.streams - sum(per)
    attackers = [Attacker(args.port, n, declared, args.missing_kb * 1024)
                 for n in per if n]
    peak = before
    start = time.monotonic()
    while time.monotonic() - start < args.hold:
        for a in attackers:
            a.pump()
        peak = max(peak, rss_mib(args.server_pid))
        if all(a.closed for a in attackers):
            break
        time.sleep(0.002)
    held = time.monotonic() - start
    totals = {}
    for a in attackers:
        for how, n in a.results().items():
            totals[how] = totals.get(how, 0) + n
    sent = sum(a.sent for a in attackers)
    end = rss_mib(args.server_pid)
    print(f"streams {args.streams} over {len(attackers)} connection(s), "
          f"held {held:.1f} s, body bytes accepted {sent / 2**20:.1f} MiB")
    for how, n in sorted(totals.items()):
        print(f"  {how}: {n}")
    print(f"server RSS MiB: before {before:.1f}, peak {peak:.1f}, "
          f"end {end:.1f}")
    for a in attackers:
        a.sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
