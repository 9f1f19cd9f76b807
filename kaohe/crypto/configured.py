"""The crypto the settings choose: the mode's suite, the key provider, and envelope helpers bound to them."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from kaohe.crypto import envelope, modes
from kaohe.crypto.keys import KeyProvider
from kaohe.crypto.modes import Digested, Hasher, Suite, hexdigest, suite

_providers: dict[tuple[str, str], KeyProvider] = {}


def active_suite() -> Suite:
    """The algorithms new records are written with (CRYPTO_MODE)."""
    return suite(settings.CRYPTO_MODE)


def content_digest(data: bytes) -> Digested:
    """The digest of `data` under the active mode (SHA-256 or SM3), with the algorithm's name to store beside it.

    Every content digest or seal that someone re-checks later is made here (or with `content_hasher`) and
    verified with the algorithm it recorded, so a switch of mode never breaks the older ones.
    """
    algorithm = active_suite().digest
    return Digested(algorithm.value, hexdigest(algorithm, data))


def content_hasher() -> Hasher:
    """`content_digest` fed piece by piece: its `algorithm` is what to store beside its `hexdigest()`."""
    return Hasher(active_suite().digest)


def key_provider() -> KeyProvider:
    """The provider CRYPTO_KEY_PROVIDER names, built once per configuration by its `from_settings`."""
    cache_key = (settings.CRYPTO_KEY_PROVIDER, str(settings.CRYPTO_KEY_FILE))
    provider = _providers.get(cache_key)
    if provider is None:
        provider = import_string(settings.CRYPTO_KEY_PROVIDER).from_settings(settings)
        _providers[cache_key] = provider
    return provider


def seal(plaintext: bytes, *, aad: bytes) -> str:
    """Encrypt one confidential record under the active mode (envelope: its own data key, wrapped)."""
    return envelope.seal(plaintext, aad=aad, provider=key_provider(), algorithm=active_suite().aead)


def open_sealed(text: str, *, aad: bytes) -> bytes:
    """Decrypt a record `seal` wrote, under whichever mode it was written."""
    return envelope.open_sealed(text, aad=aad, provider=key_provider())


def keyed_digest(data: bytes, *, purpose: str) -> str:
    """A keyed hash of a secret to store instead of it (an API token's), tagged with the active MAC."""
    algorithm = active_suite().mac
    tag_bytes = key_provider().mac(purpose=purpose, algorithm=algorithm, data=data)
    return modes.tag(algorithm, tag_bytes.hex())


def keyed_digest_matches(stored: str, data: bytes, *, purpose: str) -> bool:
    """Whether ``data`` is the secret ``stored`` was made from, under whichever mode made it."""
    try:
        algorithm, payload = modes.untag(stored)
        expected = key_provider().mac(purpose=purpose, algorithm=algorithm, data=data)
    except (modes.CryptoError, ValueError):
        return False
    return modes.mac_equal(expected.hex().encode(), payload.encode())
