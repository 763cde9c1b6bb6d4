#!/usr/bin/env python3
"""Impaired UDP relay for capturing RTCP feedback from a real peer (see README.md).

Usage: lossy_relay.py LISTEN_PORT TARGET_PORT SECONDS
Forwards datagrams from 127.0.0.1:LISTEN_PORT to 127.0.0.1:TARGET_PORT. Counting datagrams from 1:
  n % 40 == 0          dropped                        -> NACK with BLP 0
  n % 97 in (0, 1, 2)  dropped (a burst of three)     -> NACK with BLP bits set
  n % 23 == 0          held back 2 datagrams          -> reordering: negative receive deltas in transport-cc
  n % 61 == 0          delayed by 90 ms               -> receive deltas > 63.75 ms ("large" in transport-cc)
"""
import heapq, socket, sys, time

listen, target, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.bind(("127.0.0.1", listen))
rx.settimeout(0.005)
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
delayed = []          # (release time, tie-breaker, datagram)
held = None           # (datagrams still to pass, datagram)
n = 0
end = time.time() + seconds
while time.time() < end:
    now = time.time()
    while delayed and delayed[0][0] <= now:
        tx.sendto(heapq.heappop(delayed)[2], ("127.0.0.1", target))
    try:
        d, _ = rx.recvfrom(65536)
    except socket.timeout:
        continue
    n += 1
    if n % 40 == 0 or n % 97 in (0, 1, 2):
        continue
    if n % 61 == 0:
        heapq.heappush(delayed, (now + 0.090, n, d))
        continue
    if n % 23 == 0 and held is None:
        held = [2, d]
        continue
    tx.sendto(d, ("127.0.0.1", target))
    if held is not None:
        held[0] -= 1
        if held[0] == 0:
            tx.sendto(held[1], ("127.0.0.1", target))
            held = None
