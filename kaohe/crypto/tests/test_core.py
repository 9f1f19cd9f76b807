"""The crypto core, without Django or a database: both modes, their records, and attacks on them."""

import hashlib
import subprocess
import sys

import pytest

from kaohe.crypto import envelope
from kaohe.crypto.keys import KeyFileProvider, create_key_file, read_key_file
from kaohe.crypto.modes import (
    Aead,
    CryptoError,
    Digest,
    Digested,
    Hasher,
    Mac,
    Mode,
    aead_decrypt,
    aead_encrypt,
    digest,
    hexdigest,
    mac,
    missing_algorithms,
    shown,
    suite,
    tag,
    untag,
)


@pytest.fixture
def provider(tmp_path):
    path = tmp_path / "kaohe.key"
    create_key_file(path)
    return KeyFileProvider(path)


def test_the_modes_use_their_own_algorithms():
    assert suite("standard").mac == Mac.HMAC_SHA256 and suite("standard").aead == Aead.AES256_GCM
    assert suite("guomi").digest == Digest.SM3 and suite("guomi").aead == Aead.SM4_GCM


def test_an_unknown_mode_is_refused_in_chinese():
    with pytest.raises(CryptoError, match="密码模式“sm9”不存在"):
        suite("sm9")


def test_this_openssl_has_both_modes():
    assert missing_algorithms(Mode.STANDARD) == []
    assert missing_algorithms(Mode.GUOMI) == []


def test_sm3_matches_the_standards_example():
    # GB/T 32905-2016, example 1: SM3("abc").
    expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert digest("sm3", b"abc").hex() == expected


@pytest.mark.parametrize("algorithm", ["sha256", "sm3"])
def test_a_digest_fed_in_pieces_is_the_digest_of_the_whole(algorithm):
    hasher = Hasher(algorithm)
    for piece in (b"a", b"", b"bc"):
        hasher.update(piece)
    assert hasher.algorithm == algorithm and hasher.hexdigest() == hexdigest(algorithm, b"abc")
    assert hexdigest("sha256", b"abc") == hashlib.sha256(b"abc").hexdigest()


def test_only_digest_algorithms_make_digests():
    for name in ("hmac-sm3", "sm4gcm", "md5"):
        with pytest.raises(CryptoError, match=f"“{name}”不是摘要算法"):
            Hasher(name)
        with pytest.raises(CryptoError, match=f"“{name}”不是摘要算法"):
            digest(name, b"x")


def test_a_digest_is_shown_with_its_algorithms_name():
    assert str(Digested("sm3", "66c7")) == shown("sm3", "66c7") == "SM3: 66c7"
    assert shown("sha256", "ba78") == "SHA-256: ba78"


def test_sm4_matches_the_standards_example():
    # GB/T 32907-2016, example 1 (one block, ECB): checked through our GCM by its keystream.
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305
    assert (encryptor.update(key) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


@pytest.mark.parametrize("algorithm", ["aes256gcm", "sm4gcm"])
def test_aead_round_trip_and_tamper(algorithm):
    key = bytes(32 if algorithm == "aes256gcm" else 16)
    nonce = bytes(12)
    sealed = aead_encrypt(algorithm, key, nonce, "谈话记录".encode(), b"ctx")
    assert aead_decrypt(algorithm, key, nonce, sealed, b"ctx").decode() == "谈话记录"
    flipped = bytes([sealed[0] ^ 1]) + sealed[1:]
    with pytest.raises(CryptoError, match="密文校验失败"):
        aead_decrypt(algorithm, key, nonce, flipped, b"ctx")
    with pytest.raises(CryptoError, match="密文校验失败"):
        aead_decrypt(algorithm, key, nonce, sealed, b"other")


def test_a_key_of_the_wrong_length_is_named():
    with pytest.raises(CryptoError, match="sm4gcm 的密钥应为 16 字节，实为 32 字节"):
        aead_encrypt("sm4gcm", bytes(32), bytes(12), b"x", b"")


def test_hmac_differs_by_algorithm_and_key():
    assert mac("hmac-sm3", b"k", b"data") != mac("hmac-sha256", b"k", b"data")
    assert mac("hmac-sm3", b"k", b"data") != mac("hmac-sm3", b"k2", b"data")


def test_tags_name_the_algorithm():
    assert untag(tag("hmac-sm3", "ab12")) == ("hmac-sm3", "ab12")
    with pytest.raises(CryptoError, match="没有标明算法"):
        untag("ab12")
    with pytest.raises(CryptoError, match="格式版本"):
        untag("hmac-sm3:v9:ab12")


def test_the_provider_derives_one_key_per_purpose_and_algorithm(provider):
    audit = provider.mac(purpose="audit", algorithm="hmac-sm3", data=b"x")
    assert audit == provider.mac(purpose="audit", algorithm="hmac-sm3", data=b"x")
    assert audit != provider.mac(purpose="seal", algorithm="hmac-sm3", data=b"x")


def test_another_key_file_gives_other_macs(provider, tmp_path):
    other = tmp_path / "other.key"
    create_key_file(other)
    assert KeyFileProvider(other).mac(purpose="audit", algorithm="hmac-sha256", data=b"x") != provider.mac(
        purpose="audit", algorithm="hmac-sha256", data=b"x"
    )


@pytest.mark.parametrize("algorithm", ["aes256gcm", "sm4gcm"])
def test_envelope_round_trip(provider, algorithm):
    text = envelope.seal(
        "干部谈话：张某".encode(), aad=b"interview:1", provider=provider, algorithm=algorithm
    )
    assert text.startswith(f"env:v1:{algorithm}:")
    assert envelope.algorithm_of(text) == algorithm
    assert envelope.open_sealed(text, aad=b"interview:1", provider=provider).decode() == "干部谈话：张某"


def test_each_record_gets_its_own_data_key(provider):
    one = envelope.seal(b"same", aad=b"a", provider=provider, algorithm="sm4gcm")
    two = envelope.seal(b"same", aad=b"a", provider=provider, algorithm="sm4gcm")
    assert one.split(":")[3] != two.split(":")[3]


def test_an_envelope_moved_to_another_record_does_not_open(provider):
    text = envelope.seal(b"secret", aad=b"interview:1", provider=provider, algorithm="aes256gcm")
    with pytest.raises(CryptoError):
        envelope.open_sealed(text, aad=b"interview:2", provider=provider)


def test_an_envelope_under_another_master_key_does_not_open(provider, tmp_path):
    text = envelope.seal(b"secret", aad=b"a", provider=provider, algorithm="sm4gcm")
    other = tmp_path / "other.key"
    create_key_file(other)
    with pytest.raises(CryptoError, match="密文校验失败"):
        envelope.open_sealed(text, aad=b"a", provider=KeyFileProvider(other))


def test_an_envelope_relabelled_with_the_other_algorithm_does_not_open(provider):
    text = envelope.seal(b"secret", aad=b"a", provider=provider, algorithm="sm4gcm")
    with pytest.raises(CryptoError):
        envelope.open_sealed(text.replace("sm4gcm", "aes256gcm"), aad=b"a", provider=provider)


def test_garbage_is_refused_in_chinese(provider):
    with pytest.raises(CryptoError, match="不是加密记录"):
        envelope.open_sealed("plain text", aad=b"", provider=provider)
    with pytest.raises(CryptoError, match="不认识的加密算法“rot13”"):
        envelope.open_sealed("env:v1:rot13:AA==:AA==", aad=b"", provider=provider)


def test_the_key_file_is_private_and_never_overwritten(tmp_path):
    path = tmp_path / "sub" / "kaohe.key"
    assert create_key_file(path) is True
    secret = read_key_file(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert create_key_file(path) is False
    assert read_key_file(path) == secret
    assert list(path.parent.iterdir()) == [path]


def test_a_missing_or_damaged_key_file_is_named(tmp_path):
    with pytest.raises(CryptoError, match="不存在：请用 `kaohe crypto init-key` 生成"):
        read_key_file(tmp_path / "none.key")
    bad = tmp_path / "bad.key"
    bad.write_text("hello\n")
    with pytest.raises(CryptoError, match="格式不对"):
        read_key_file(bad)


def test_the_core_imports_no_django():
    code = (
        "import sys, kaohe.crypto.modes, kaohe.crypto.keys, kaohe.crypto.envelope;"
        "print('django' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert result.stdout.strip() == "False"
