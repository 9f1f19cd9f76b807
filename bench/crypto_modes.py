"""The two crypto modes side by side: an audit link (HMAC over ~600 bytes) and an envelope (seal and open a
4 KB record), per second, in one process. No database: the cost `kaohe audit verify` and a confidential
record's read add per entry or record under each mode.

    .venv/bin/python bench/crypto_modes.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kaohe.crypto import envelope
from kaohe.crypto.keys import KeyFileProvider, create_key_file
from kaohe.crypto.modes import Suite, missing_algorithms, openssl_version, suite


def rate(fn: Callable[[], object], seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(100):
            fn()
        count += 100
    return count / elapsed


def measure(
    provider: KeyFileProvider, chosen: Suite, link: bytes, record: bytes, seconds: float, mode: str
) -> str:
    macs = rate(lambda: provider.mac(purpose="audit", algorithm=chosen.mac, data=link), seconds)
    sealed = envelope.seal(record, aad=b"bench:1", provider=provider, algorithm=chosen.aead)
    seals = rate(
        lambda: envelope.seal(record, aad=b"bench:1", provider=provider, algorithm=chosen.aead), seconds
    )
    opens = rate(lambda: envelope.open_sealed(sealed, aad=b"bench:1", provider=provider), seconds)
    return f"{mode:9} {chosen.mac:12} {macs:10,.0f} {chosen.aead:10} {seals:9,.0f} {opens:9,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        key = Path(folder) / "kaohe.key"
        create_key_file(key)
        provider = KeyFileProvider(key)
        link = secrets.token_bytes(600)
        record = secrets.token_bytes(4096)
        print(f"{openssl_version()}")
        print(f"{'mode':9} {'MAC':12} {'links/s':>10} {'AEAD':10} {'seal/s':>9} {'open/s':>9}")
        for mode in ("standard", "guomi"):
            if missing_algorithms(mode):
                print(f"{mode:9} unavailable: {missing_algorithms(mode)}")
                continue
            print(measure(provider, suite(mode), link, record, args.seconds, mode))


if __name__ == "__main__":
    main()
