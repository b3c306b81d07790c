"""The code an authenticator shows now for a key (RFC 6238: HMAC-SHA-1, 30-second steps, six digits),
for the load test's simulated secretariat; kept apart from the locustfile so it imports without
locust (and its gevent patching)."""

from __future__ import annotations

import hashlib
import hmac
import struct
import time


def totp_now(key_hex: str, *, at: float | None = None) -> str:
    step = int(time.time() if at is None else at) // 30
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"
