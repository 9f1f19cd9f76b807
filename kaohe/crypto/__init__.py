"""Hashes, MACs and ciphers in one place, standard or 国密 by one setting (see modes.py).

The core modules — modes, keys, envelope — import no Django and are tested without it; `configured`
reads the settings (CRYPTO_MODE, CRYPTO_KEY_PROVIDER, CRYPTO_KEY_FILE) for the app, and `apps` refuses to
start in 国密 mode on an OpenSSL without SM3 and SM4.
"""
