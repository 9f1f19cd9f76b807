"""Sealed ballots (envelope.py): only the organiser's key opens them, and their length tells nothing."""

import pytest

from kaohe.ballots import envelope

# The standard mode's cipher name, and 国密 mode's (HKDF-SM3 and SM4-GCM inside the envelope).
MODES = pytest.mark.parametrize("aead", ["aes256gcm", "sm4gcm"])


@MODES
def test_a_sealed_ballot_opens_with_the_sessions_key_only(aead):
    key, public = envelope.new_key_pair()
    sealed = envelope.seal(public, {"n": "RECEIPT", "m": [[1, None, "优秀"]]}, 1000, aead)
    assert b"RECEIPT" not in sealed and "优秀".encode() not in sealed
    private = envelope.parse_opening_key(key, public)
    assert envelope.open_envelope(private, sealed) == {"n": "RECEIPT", "m": [[1, None, "优秀"]]}
    other, other_public = envelope.new_key_pair()
    with pytest.raises(envelope.KeyRejected, match="这不是本测评会的开启密钥"):
        envelope.parse_opening_key(other, public)
    with pytest.raises(ValueError, match="failed its check"):
        envelope.open_envelope(envelope.parse_opening_key(other, other_public), sealed)
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(ValueError, match="failed its check"):
        envelope.open_envelope(private, tampered)


@MODES
def test_two_ballots_of_one_session_are_as_long_as_each_other_and_never_alike(aead):
    _, public = envelope.new_key_pair()
    short = envelope.seal(public, {"reason": ""}, 3000, aead)
    long = envelope.seal(public, {"reason": "长" * 500}, 3000, aead)
    again = envelope.seal(public, {"reason": ""}, 3000, aead)
    assert len(short) == len(long) == len(again)
    assert short != again  # a fresh ephemeral key each time: equal ballots do not look equal


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "请填写开启密钥"), ("KAOHE1 0000", "开启密钥格式不对"), ("KAOHE1 AAAA AAAA", "开启密钥长度不对")],
)
def test_a_mistyped_key_is_named(typed, message):
    _, public = envelope.new_key_pair()
    with pytest.raises(envelope.KeyRejected, match=message):
        envelope.parse_opening_key(typed, public)


def test_a_session_sealed_partly_in_each_mode_opens_whole_and_names_its_cipher_in_the_first_byte():
    key, public = envelope.new_key_pair()
    standard = envelope.seal(public, {"n": "A"}, 600, "aes256gcm")
    guomi = envelope.seal(public, {"n": "B"}, 600, "sm4gcm")
    assert (
        standard[:1] == envelope.VERSION and guomi[:1] == envelope.VERSION_SM and len(standard) == len(guomi)
    )
    private = envelope.parse_opening_key(key, public)
    assert [envelope.open_envelope(private, s)["n"] for s in (standard, guomi)] == ["A", "B"]
    relabelled = envelope.VERSION + guomi[1:]  # an SM4 envelope passed off as the other cipher
    with pytest.raises(ValueError, match="failed its check"):
        envelope.open_envelope(private, relabelled)
