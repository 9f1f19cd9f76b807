"""System checks: the key provider must be able to give keys before anything is audited."""

from django.core import checks

from kaohe.crypto.configured import key_provider
from kaohe.crypto.keys import KeyFileProvider
from kaohe.crypto.modes import CryptoError


@checks.register(checks.Tags.security)
def key_provider_ready(app_configs, **kwargs):
    try:
        provider = key_provider()
        if isinstance(provider, KeyFileProvider):
            provider.secret()
    except (CryptoError, ImportError, AttributeError) as error:
        return [checks.Critical(f"密钥不可用：{error}", id="kaohe.crypto.E001")]
    return []
